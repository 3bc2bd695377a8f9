"""The prospect's murmur ("Mm.") for a pause in the rep's turn: synthesised, cut to the voice.

A listener's "mm" is short and starts at once; the synthesised word carries tens of
milliseconds of silence on each side, which would delay it and whatever answer follows.
"""

from __future__ import annotations

import numpy as np

from voices.audio import float_to_pcm16, pcm16_to_float
from voices.tts.base import DEFAULT_STYLE, TextToSpeech, VoiceStyle

_LEAD_S = 0.02  # kept before the first voiced sample, so the onset is not clipped
_TAIL_S = 0.05  # kept after the last, for the word's decay
_FADE_S = 0.01


async def murmur_pcm(tts: TextToSpeech, text: str, style: VoiceStyle = DEFAULT_STYLE) -> bytes:
    """`text` spoken by the prospect's voice, without the silence around it (PCM16)."""
    pcm = b"".join([chunk async for chunk in tts.synthesize(text, style)])
    return float_to_pcm16(trim_to_voice(pcm16_to_float(pcm), tts.sample_rate))


def trim_to_voice(audio: np.ndarray, rate: int) -> np.ndarray:
    """`audio` from just before its first voiced sample to just after its last, faded."""
    peak = float(np.max(np.abs(audio))) if len(audio) else 0.0
    loud = np.flatnonzero(np.abs(audio) > 0.05 * peak)
    if not loud.size:  # silence: nothing to cut to
        return audio
    start = max(0, int(loud[0]) - int(_LEAD_S * rate))
    end = min(len(audio), int(loud[-1]) + int(_TAIL_S * rate))
    out = audio[start:end].astype(np.float32, copy=True)
    fade = min(int(_FADE_S * rate), len(out) // 2)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        out[:fade] *= ramp
        out[-fade:] *= ramp[::-1]
    return out
