"""walkaway voices/stt."""
