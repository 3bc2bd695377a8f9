"""walkaway voices/turn: whether the rep has finished their turn, judged from the audio."""
