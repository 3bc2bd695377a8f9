"""walkaway voices/vad."""
