"""walkaway scoring."""
