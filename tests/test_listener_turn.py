"""The listener's end of turn with the real models: a pause mid-sentence is not the end."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from server.call.io import NoRecording
from server.call.listener import Listener, RepSpeech
from server.call.settings import ListenerSettings
from tests.support.helpers import FIXTURES
from voices.audio import SAMPLE_RATE, float_to_pcm16, read_audio
from voices.engines import Engines
from voices.stt.base import Transcription
from voices.turn.base import TurnModelError
from voices.vad.endpoint import Combine

_CHUNK = 320  # 20 ms frames, as the browser sends them


class Hooks:
    """Records the turns the listener reports."""

    def __init__(self) -> None:
        self.turns: list[RepSpeech] = []

    def on_turn_ended(self, speech: RepSpeech) -> None:
        self.turns.append(speech)

    def on_pause(self, now: float) -> None:
        pass

    def on_barge_in(self, now: float) -> None:
        pass

    def on_quiet(self, quiet_s: float) -> None:
        pass

    async def on_partial(self, text: str) -> None:
        pass

    def on_early_transcript(self, result: Transcription) -> None:
        pass


class Silent:
    """A prospect who says nothing."""

    until = 0.0

    def playing(self, now: float) -> bool:
        return False


async def _turns(engines: Engines, audio: np.ndarray,
                 settings: ListenerSettings | None = None) -> list[RepSpeech]:
    """Stream `audio` then 2 s of room floor through a listener; the turns it reported.

    Fed faster than real time, so the listener waits for each early transcript as a
    deterministic (scripted) call does: live, the words are back long before the pause ends."""
    hooks = Hooks()
    listener = Listener(call_id="t", input_rate=SAMPLE_RATE, vad=engines.vad, stt=engines.stt,
                        settings=settings or ListenerSettings(partial_interval_s=0), hooks=hooks,
                        playback=Silent(), recording=NoRecording(), turn_model=engines.turn,
                        wait_for_early=True)
    floor = np.random.default_rng(0).standard_normal(2 * SAMPLE_RATE).astype(np.float32) * 3e-4
    samples = np.concatenate([audio, floor])
    runner = asyncio.create_task(listener.run())
    for start in range(0, len(samples), _CHUNK):
        listener.feed(float_to_pcm16(samples[start:start + _CHUNK]))
        await asyncio.sleep(0)
    listener.close()
    await runner
    return hooks.turns


def _speech_bounds(audio: np.ndarray) -> tuple[float, float]:
    loud = np.flatnonzero(np.abs(audio) > 0.02)
    return loud[0] / SAMPLE_RATE, loud[-1] / SAMPLE_RATE


@pytest.mark.parametrize("run", range(2))  # the same audio ends the same turn every time
async def test_a_pause_of_0_8_s_mid_sentence_is_not_answered(engines: Engines, run: int) -> None:
    audio = read_audio(FIXTURES / "pause_08_price_piper.wav")  # "Our price is ... what it costs"
    _, last_word = _speech_bounds(audio)
    turns = await _turns(engines, audio)
    assert len(turns) == 1, [(t.start_sample, t.ended_sample) for t in turns]
    assert turns[0].ended_sample is not None
    assert turns[0].ended_sample / SAMPLE_RATE > last_word


@pytest.mark.parametrize("fixture", ["price_hold_espeak", "price_hold_piper"])
async def test_two_sentences_are_one_turn_answered_soon_after_the_last(
        engines: Engines, fixture: str) -> None:
    # "We are not going to match that price. Let me show you what the difference buys you."
    audio = read_audio(FIXTURES / f"{fixture}.wav")
    _, last_word = _speech_bounds(audio)
    turns = await _turns(engines, audio)
    assert len(turns) == 1, [t.ended_sample for t in turns]
    waited = turns[0].ended_sample / SAMPLE_RATE - last_word
    # a finished statement waits 0.5 s (room for another sentence, longer than the 0.35-0.39 s
    # between these two), plus the voice-activity model's tail; never the long 1.5 s
    assert 0.5 <= waited < 0.7, waited


class BrokenTurnModel:
    """A turn model whose every decision fails (a corrupt or unloadable file)."""

    def probability_sync(self, audio: np.ndarray) -> float:
        raise TurnModelError("turn model failed: broken on purpose")

    async def probability(self, audio: np.ndarray) -> float:
        return self.probability_sync(audio)


async def test_a_failing_turn_model_waits_the_long_silence_and_keeps_the_call(
        engines: Engines) -> None:
    # with a rule that asks the model (the listener's default reads the words alone)
    broken = Engines(stt=engines.stt, tts=engines.tts, vad=engines.vad, turn=BrokenTurnModel())
    audio = read_audio(FIXTURES / "price_cave_espeak.wav")
    _, last_word = _speech_bounds(audio)
    settings = ListenerSettings(partial_interval_s=0, turn_rule=Combine.MODEL_AND_TEXT)
    turns = await _turns(broken, audio, settings)
    assert len(turns) == 1
    waited = turns[0].ended_sample / SAMPLE_RATE - last_word
    assert 1.5 <= waited < 1.8, waited
