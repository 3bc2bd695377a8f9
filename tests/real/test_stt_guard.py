"""The loop guard, the joined base model and the background second pass (docs/transcripts.md)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from scoring.turns import Speaker, Turn
from voices.audio import SAMPLE_RATE, pcm16_to_float, resample
from voices.engines import Engines
from voices.evalset import normalise_words, turn_errors
from voices.stt import models
from voices.stt.accurate import SecondPass
from voices.stt.guard import LoopGuardOptions, TimedWord, collapse_repeats, loop_signs
from voices.stt.models import ModelNotFoundError

FREE_MONTH = "Okay, I can give you one free month."


def _words(text: str, step: float = 0.3) -> list[TimedWord]:
    return [TimedWord(w, i * step, i * step + step * 0.8, 0.9) for i, w in enumerate(text.split())]


@pytest.fixture(scope="module")
def free_month(engines: Engines) -> np.ndarray:
    """The bundled voice saying the sentence that came back 13 times before the guard."""
    pcm = engines.tts.synthesize_sync(FREE_MONTH)
    audio = resample(pcm16_to_float(pcm), engines.tts.sample_rate, SAMPLE_RATE)
    pad = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    return np.concatenate([pad, audio, pad])


def test_loop_signs_need_no_reference() -> None:
    speech = np.random.default_rng(0).standard_normal(3 * SAMPLE_RATE).astype(np.float32) * 0.1
    options = LoopGuardOptions()
    once = "Okay I can take 10% off the price."
    assert loop_signs(once, _words(once), speech, options) == []
    twice = f"{once} {once}"
    assert "repeated n-gram" in loop_signs(twice, _words(twice, 0.15), speech, options)
    # a rep's own repeated phrase is no loop: a false alarm costs a fallback on the answer
    echo = "There's a cost to get and a cost to use, and ours costs less to use."
    assert loop_signs(echo, _words(echo, 0.19), speech, options) == []
    many = " ".join([once] * 8)
    assert {"compression", "words per second"} <= set(
        loop_signs(many, _words(many, 0.05), speech, options))
    stamped = [*_words(once)[:-1], TimedWord("price.", 3.0, 3.0, 0.5)]
    assert loop_signs(once, stamped, speech, options) == ["words outside the audio"]


def test_collapse_keeps_one_copy_of_a_looped_sentence_and_a_stutter() -> None:
    looped = _words("Sure, 20, I'm, sure, 20, I'm,")
    assert [w.text for w in collapse_repeats(looped, 3)] == ["Sure,", "20,", "I'm,"]
    stutter = _words("so, um, er, er, er, er, like, what")
    assert [w.text for w in collapse_repeats(stutter, 3)] == [
        "so,", "um,", "er,", "er,", "like,", "what"]
    honest = _words("I can do it. We can do that today.")
    assert collapse_repeats(honest, 3) == honest


@pytest.mark.parametrize("path", ["live", "preview", "accurate"])
async def test_the_bundled_voice_saying_a_sentence_once_is_heard_once(
    engines: Engines, free_month: np.ndarray, path: str
) -> None:
    assert engines.accurate is not None
    offset = 0.0 if path == "preview" else 10.0  # a preview is timed from its own start
    if path == "live":
        result = await engines.stt.transcribe(free_month, offset)
    elif path == "preview":
        result = await engines.stt.preview(free_month)
    else:
        result = await engines.accurate.retranscribe(free_month, offset)
    assert result is not None
    assert normalise_words(result.text) == normalise_words(FREE_MONTH), result.text
    duration = len(free_month) / SAMPLE_RATE
    assert all(offset <= w.start <= w.end <= offset + duration for w in result.words)


async def test_second_pass_collects_finished_turns_and_keeps_live_text_for_late_ones(
    engines: Engines, free_month: np.ndarray
) -> None:
    assert engines.accurate is not None
    await engines.accurate.warm()
    second = SecondPass(engines.accurate)
    second.submit(1, free_month, 4.0)
    second.submit(3, free_month, 20.0)
    done = await second.collect(timeout_s=30.0)
    assert sorted(done) == [1, 3]
    assert done[3].words[0].start >= 20.0
    assert normalise_words(done[1].text) == normalise_words(FREE_MONTH)
    live = [Turn(0, Speaker.PROSPECT, "Why should I renew?", 0.0, 3.5),
            Turn(1, Speaker.REP, "Okay I can give you one free month. Okay I can", 4.0, 7.0),
            Turn(2, Speaker.PROSPECT, "Fine.", 7.5, 8.0),
            Turn(4, Speaker.REP, "Not re-transcribed.", 30.0, 31.0)]
    scored = SecondPass.apply(live, done)
    assert [t.text for t in scored] == ["Why should I renew?", done[1].text, "Fine.",
                                        "Not re-transcribed."]
    assert scored[1].start == done[1].words[0].start and scored[1].words == done[1].words
    # a turn still decoding at the deadline is left out, its task cancelled
    long_turn = np.tile(free_month, 6)
    second.submit(5, long_turn, 40.0)
    assert await second.collect(timeout_s=0.01) == {}
    second.submit(6, free_month, 50.0)
    second.cancel()
    assert await second.collect(timeout_s=1.0) == {}


def test_turn_errors_judge_each_turn_inside_one_transcript() -> None:
    refs = ["Hello there, how are you?", "I can give you ten percent off.", "Bye now."]
    looped = "hello there how are you. I can give you 10% off. I can give you 10% off. bye now"
    errors = turn_errors(refs, looped)
    assert [e.edits for e in errors] == [0, 7, 0]  # the repeat counts against its own turn
    assert errors[1].wer == 1.0
    # a turn of unknown words (an audio turn without `says`) takes what it aligns to
    unknown = turn_errors([refs[0], None, refs[2]], "hello there how are you we built it bye now")
    assert [(e.heard, e.edits) for e in unknown] == [
        ("hello there how are you", 0), ("we built it", 0), ("bye now", 0)]
    unplayed = turn_errors(refs, "hello there how are you")
    assert [e.reached for e in unplayed] == [True, False, False]


def test_base_model_joins_once_and_checks_its_parts(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WALKAWAY_MODEL_CACHE", str(tmp_path / "cache"))
    joined = models.resolve_model_path("base")
    assert (joined / "model.bin").stat().st_size == models._BASE_SIZE
    assert {"config.json", "tokenizer.json", "vocabulary.txt"} <= {p.name for p in joined.iterdir()}
    mtime = (joined / "model.bin").stat().st_mtime_ns
    assert models.resolve_model_path("base") == joined  # reused, not joined again
    assert (joined / "model.bin").stat().st_mtime_ns == mtime

    # parts that do not join into the known file are refused, and nothing half-made is kept
    fake = [tmp_path / "p1", tmp_path / "p2"]
    for i, folder in enumerate(fake, 1):
        folder.mkdir()
        (folder / f"model.bin.part{i}").write_bytes(b"x" * 10)
    monkeypatch.setenv("WALKAWAY_MODEL_CACHE", str(tmp_path / "other"))
    monkeypatch.setattr(models, "_part_dirs", lambda: fake)
    with pytest.raises(ModelNotFoundError, match="reinstall the parts"):
        models.resolve_model_path("base")
    assert not list((tmp_path / "other").rglob("model.bin*"))


async def test_second_pass_survives_being_cancelled_mid_call(engines: Engines,
                                                             free_month: np.ndarray) -> None:
    assert engines.accurate is not None
    second = SecondPass(engines.accurate)
    second.submit(0, free_month, 0.0)
    second.submit(0, free_month, 0.5)  # the turn was re-opened: the newer audio wins
    # generous: the replaced decode may already run (a thread cannot be stopped), and the
    # second pass runs at low priority, so a busy machine can starve both (bench/README.md)
    done = await asyncio.wait_for(second.collect(timeout_s=120.0), 180)
    assert list(done) == [0] and done[0].words[0].start >= 0.5
