"""The prospect's murmur is the voiced word only, so it starts at once and ends soon."""

from __future__ import annotations

import numpy as np

from server.call.murmur import murmur_pcm, trim_to_voice
from voices.audio import pcm16_to_float
from voices.engines import Engines


async def test_a_murmur_is_cut_to_its_voice(engines: Engines) -> None:
    tts = engines.tts
    full = pcm16_to_float(b"".join([c async for c in tts.synthesize("Mm.")]))
    cut = pcm16_to_float(await murmur_pcm(tts, "Mm."))
    assert 0.15 < len(cut) / tts.sample_rate < 0.7
    assert len(full) - len(cut) > 0.05 * tts.sample_rate  # the silence around the word is gone
    onset = np.flatnonzero(np.abs(cut) > 0.05 * np.abs(cut).max())[0] / tts.sample_rate
    assert onset < 0.04  # the voice starts within a frame of the audio
    assert abs(cut[0]) < 0.01 and abs(cut[-1]) < 0.01  # faded: no click at either end


def test_silence_is_left_as_it_is() -> None:
    assert len(trim_to_voice(np.zeros(480, np.float32), 16_000)) == 480
    assert len(trim_to_voice(np.zeros(0, np.float32), 16_000)) == 0
