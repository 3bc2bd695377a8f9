"""The end-of-turn rule the listener uses, on the frozen part of the turn-end set.

Real models (Silero VAD, tiny.en, Smart Turn v3.2) on never-tuned voices; the floors sit a
little under the figures in docs/turns.md, so a change that makes the rule cut reps off more
often, or hand over later, fails here. Full comparison: `make eval` (scripts/eval_turns.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from server.call.settings import ListenerSettings
from voices.audio import SAMPLE_RATE, read_audio
from voices.engines import Engines
from voices.turn.evalset import (FRESH_MANIFEST, TEST_MANIFEST, TUNE_MANIFEST, Judges, Summary,
                                 VadCache, load_turns, run_clip, summarise)
from voices.vad.endpoint import Combine, Endpointer


def listener_rule(settings: ListenerSettings) -> Endpointer:
    """The endpointer the listener builds from its settings, with a turn model present."""
    return Endpointer(silence_s=settings.turn_silence_s, early_s=settings.early_transcribe_s,
                      question_silence_s=settings.question_silence_s,
                      statement_silence_s=settings.statement_silence_s,
                      combine=settings.turn_rule, check_s=settings.turn_check_s,
                      done_threshold=settings.turn_done_threshold,
                      unfinished_silence_s=settings.turn_unfinished_silence_s)


@pytest.fixture(scope="module")
def figures(engines: Engines) -> dict[str, Summary]:
    assert engines.turn is not None
    vad = VadCache(engines.vad)
    judges = Judges(transcribe=lambda audio: engines.stt.transcribe_sync(audio).text,
                    turn_model=engines.turn.probability_sync)
    clips = load_turns(TEST_MANIFEST)
    settings = ListenerSettings()
    rules = {
        "now": listener_rule(settings),
        # the words with the short wait for an unfinished reading (the rule before Smart Turn)
        "short": listener_rule(ListenerSettings(turn_unfinished_silence_s=0.7)),
        # the rule used before: Smart Turn and the words must both hear a finished turn
        "model and text": listener_rule(ListenerSettings(turn_rule=Combine.MODEL_AND_TEXT)),
    }
    return {name: summarise([run_clip(c, rule, vad, judges) for c in clips])
            for name, rule in rules.items()}


def test_the_set_has_60_turn_ends_of_every_kind() -> None:
    clips = load_turns(TEST_MANIFEST) + load_turns(TUNE_MANIFEST)
    assert len(clips) >= 60
    assert {c.kind for c in clips} == {"statement", "question", "list", "hanging", "filler",
                                       "number", "clause"}
    assert len({c.voice for c in clips}) >= 8


def test_the_fresh_part_is_never_seen_and_its_turns_end_as_voices_do() -> None:
    # docs/turns.md "A never-seen part": other sentences and voices than the first two parts,
    # two-sentence turns, and endings that fade out instead of stopping at the last loud frame
    fresh = load_turns(FRESH_MANIFEST)
    earlier = load_turns(TEST_MANIFEST) + load_turns(TUNE_MANIFEST)
    assert len(fresh) >= 60
    assert {c.voice for c in fresh}.isdisjoint({c.voice for c in earlier})
    assert {c.text for c in fresh}.isdisjoint({c.text for c in earlier})
    assert {c.kind for c in fresh} >= {"sentences", "statement", "question", "hanging"}
    assert not any(c.done for c in fresh if c.kind == "sentences")
    # piper's voices fade out over 10-110 ms after their last loud frame (espeak-ng's stop
    # dead whatever the renderer keeps); the first parts cut that fade off
    for clip in (c for c in fresh if c.done and c.voice.startswith("piper")):
        audio = read_audio(clip.path)
        end = int(clip.turn_end_s * SAMPLE_RATE)
        assert np.abs(audio[end: end + 160]).max() > 2e-3, clip.id  # over the room floor


def test_the_listener_rule_reads_the_words_alone() -> None:
    assert ListenerSettings().turn_rule is Combine.TEXT


def test_an_unfinished_reading_waits_out_most_pauses(figures: dict[str, Summary]) -> None:
    short, now = figures["short"], figures["now"]
    assert now.unfinished == 24
    assert now.cut_unfinished <= 7, now  # docs/turns.md: 6 of 24 (25 %)
    assert now.cut_unfinished < short.cut_unfinished - 12, (short, now)  # 23 of 24
    assert now.cut_finished == 0


def test_finished_turns_are_answered_after_the_words_own_wait(
        figures: dict[str, Summary]) -> None:
    now = figures["now"]
    # 0.3 s after a question, 0.5 s after a statement, plus the voice-activity tail: 14 of 16
    # (two read unfinished and wait the long 1.5 s)
    assert len([w for w in now.waits_s if w < 0.8]) >= 12, now.waits_s
    assert now.wait_p50_s < 0.65 and max(now.waits_s) < 1.7, now


def test_smart_turns_doubts_made_most_finished_turns_wait_the_long_silence(
        figures: dict[str, Summary]) -> None:
    before, now = figures["model and text"], figures["now"]
    assert before.wait_p50_s > 1.0, before  # docs/turns.md: 1.10 s (1.51 s before 2026-11-30)
    assert now.wait_p50_s < before.wait_p50_s - 0.4, (before, now)  # 0.56 s
