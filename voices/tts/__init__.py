"""walkaway voices/tts."""
