"""walkaway voices."""
