"""The bundled speech engines on real audio: recogniser, voice and voice-activity model."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
import pytest

from tests.support.helpers import FIXTURES, words_of
from voices.audio import SAMPLE_RATE, AudioDecodeError, pcm16_to_float, read_audio, resample
from voices.engines import Engines
from voices.stt.models import ModelNotFoundError, resolve_model_path
from voices.tts.base import DEFAULT_STYLE, VoiceStyle
from voices.tts.piper_tts import PiperTTS


@pytest.mark.parametrize("fixture_id", ["price_hold_piper", "price_cave_espeak",
                                        "time_hold_espeak", "value_question_piper"])
async def test_transcribes_fixtures_with_word_times(
    engines: Engines, manifest: dict[str, dict[str, Any]], fixture_id: str
) -> None:
    audio = read_audio(FIXTURES / f"{fixture_id}.wav")
    result = await engines.stt.transcribe(audio, offset=10.0)
    assert set(manifest[fixture_id]["expect"]) <= words_of(result.text)
    assert result.words, "word timestamps are required for scoring"
    assert all(10.0 <= w.start <= w.end <= 10.0 + len(audio) / SAMPLE_RATE + 0.1
               for w in result.words)
    assert [w.start for w in result.words] == sorted(w.start for w in result.words)
    assert all(type(w.start) is float and type(w.probability) is float for w in result.words)


async def test_voice_speaks_a_line_sentence_by_sentence(engines: Engines) -> None:
    pieces = [p async for p in engines.tts.synthesize("Match it. Or we are done here.")]
    assert len(pieces) == 2
    seconds = sum(len(p) for p in pieces) / 2 / engines.tts.sample_rate
    assert 1.0 < seconds < 5.0
    audio = pcm16_to_float(b"".join(pieces))
    assert float(np.sqrt(np.mean(audio**2))) > 0.02  # audible, not silence


class _CountingPiper(PiperTTS):
    """The real voice, counting its syntheses."""

    made = 0

    def synthesize_sync(self, text: str, style: VoiceStyle = DEFAULT_STYLE) -> bytes:
        self.made += 1
        return super().synthesize_sync(text, style)


async def test_a_line_being_prepared_is_waited_for_not_made_twice() -> None:
    tts = _CountingPiper().load()
    line = "Fifteen percent, you say. That is a start."
    preparing = asyncio.create_task(tts.prefetch([line]))  # made at the rep's pause
    await asyncio.sleep(0)  # the first sentence is under way
    said = [p async for p in tts.synthesize(line)]  # the turn ended: the line is said
    await preparing
    assert tts.made == 2  # two sentences, each synthesised once
    again = [p async for p in tts.synthesize(line)]
    assert again == said and tts.made == 2  # then from the cache
    # a preparation given up (the rep went on) still finishes into the cache for the others
    other = "Then we are done here."
    dropped = asyncio.create_task(tts.prefetch([other]))
    await asyncio.sleep(0)
    dropped.cancel()
    [piece] = [p async for p in tts.synthesize(other)]
    assert len(piece) > 0 and tts.made == 3


async def test_voice_round_trips_through_the_recogniser(engines: Engines) -> None:
    pcm = b"".join([p async for p in engines.tts.synthesize("Send me the contract on Friday.")])
    audio = resample(pcm16_to_float(pcm), engines.tts.sample_rate, SAMPLE_RATE)
    result = await engines.stt.transcribe(audio)
    assert {"contract", "friday"} <= words_of(result.text)


def test_voice_activity_separates_speech_from_silence(engines: Engines) -> None:
    speech = read_audio(FIXTURES / "price_cave_piper.wav")
    audio = np.concatenate([np.zeros(SAMPLE_RATE, np.float32), speech])
    audio = audio[: len(audio) // 512 * 512]
    probs = engines.vad.stream().probabilities(audio)
    frames_per_s = SAMPLE_RATE / 512
    silence, rest = probs[: int(frames_per_s)], probs[int(frames_per_s * 1.5):]
    assert max(silence) < 0.2
    assert sum(p > 0.5 for p in rest) > len(rest) / 3
    noise = np.random.default_rng(0).normal(0, 0.01, SAMPLE_RATE * 2).astype(np.float32)
    assert max(engines.vad.stream().probabilities(noise[: len(noise) // 512 * 512])) < 0.5


def test_audio_errors_name_the_file(tmp_path: Any) -> None:
    bad = tmp_path / "notes.wav"
    bad.write_text("this is not audio")
    with pytest.raises(AudioDecodeError, match="notes.wav"):
        read_audio(bad)
    with pytest.raises(AudioDecodeError, match="missing.wav"):
        read_audio(tmp_path / "missing.wav")


def test_read_audio_resamples_and_downmixes(tmp_path: Any) -> None:
    import soundfile as sf

    t = np.arange(44_100) / 44_100
    stereo = np.stack([np.sin(2 * np.pi * 440 * t), np.sin(2 * np.pi * 440 * t)], axis=1)
    sf.write(tmp_path / "tone.wav", stereo * 0.5, 44_100)
    audio = read_audio(tmp_path / "tone.wav")
    assert audio.ndim == 1 and abs(len(audio) - SAMPLE_RATE) < 10


def test_model_resolution_is_local_only(tmp_path: Any) -> None:
    assert (resolve_model_path("tiny.en") / "model.bin").is_file()
    with pytest.raises(ModelNotFoundError, match="no model.bin"):
        resolve_model_path(str(tmp_path))
    with pytest.raises(ModelNotFoundError, match="large-v3"):
        resolve_model_path("large-v3")


async def test_personas_voices_differ_in_pitch_and_keep_their_speaking_time(
    engines: Engines,
) -> None:
    """A pitch shift moves the pitch by its factor and keeps the speaking time (piper has no
    pitch control: voices/tts/piper_tts.py resamples)."""
    from voices.tts.base import VoiceStyle
    from voices.tts.measure import median_pitch_hz

    line = "Your quote came in ten percent above the other supplier's."
    steady = {"noise_scale": 0.0, "noise_w": 0.0}  # piper's noise is random: one take each
    low, high = (VoiceStyle(pitch_semitones=s, **steady) for s in (-2.5, 2.5))
    heard = {}
    for style in (low, high):
        audio = pcm16_to_float(b"".join([p async for p in engines.tts.synthesize(line, style)]))
        heard[style] = (len(audio) / engines.tts.sample_rate,
                        median_pitch_hz(audio, engines.tts.sample_rate))
    (low_s, low_hz), (high_s, high_hz) = heard[low], heard[high]
    assert high_hz / low_hz == pytest.approx(2 ** (5 / 12), rel=0.12)  # five semitones apart
    assert high_s / low_s == pytest.approx(1.0, abs=0.06)
