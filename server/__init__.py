"""walkaway server."""
