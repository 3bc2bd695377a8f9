"""The end-of-turn rule the listener uses, on the frozen part of the turn-end set.

Real models (Silero VAD, tiny.en, Smart Turn v3.2) on never-tuned voices; the floors sit a
little under the figures in docs/turns.md, so a change that makes the rule cut reps off more
often, or hand over later, fails here. Full comparison: `make eval` (scripts/eval_turns.py).
"""

from __future__ import annotations

import pytest

from server.call.settings import ListenerSettings
from voices.engines import Engines
from voices.turn.evalset import (TEST_MANIFEST, TUNE_MANIFEST, Judges, Summary, VadCache,
                                 load_turns, run_clip, summarise)
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
    before = Endpointer(silence_s=settings.turn_silence_s)  # the early transcript alone
    return {name: summarise([run_clip(c, rule, vad, judges) for c in clips])
            for name, rule in (("before", before), ("now", listener_rule(settings)))}


def test_the_set_has_60_turn_ends_of_every_kind() -> None:
    clips = load_turns(TEST_MANIFEST) + load_turns(TUNE_MANIFEST)
    assert len(clips) >= 60
    assert {c.kind for c in clips} == {"statement", "question", "list", "hanging", "filler",
                                       "number", "clause"}
    assert len({c.voice for c in clips}) >= 8


def test_the_listener_rule_combines_smart_turn_and_the_words() -> None:
    assert ListenerSettings().turn_rule is Combine.MODEL_AND_TEXT


def test_fewer_unfinished_turns_are_cut_off_than_with_the_words_alone(
        figures: dict[str, Summary]) -> None:
    before, now = figures["before"], figures["now"]
    assert now.unfinished == 24
    assert now.cut_unfinished <= 9, now  # docs/turns.md: 7 of 24 (29 %)
    assert now.cut_unfinished < before.cut_unfinished - 10, (before, now)
    assert now.cut_finished <= 1


def test_finished_turns_both_judges_call_done_are_answered_sooner_than_before(
        figures: dict[str, Summary]) -> None:
    before, now = figures["before"], figures["now"]
    # 0.2 s into the pause plus the voice-activity tail; the words alone answered only a
    # question that fast (0.3 s), a statement after 0.5 s
    quick = [w for w in now.waits_s if w < 0.45]
    assert len(quick) >= 6, now.waits_s  # docs/turns.md: 7 of 16
    assert len(quick) > len([w for w in before.waits_s if w < 0.45])
    assert max(now.waits_s) < 1.7  # the rest wait out the long silence, never more
