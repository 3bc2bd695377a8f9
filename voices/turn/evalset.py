"""The turn-end set (docs/turns.md): loading its clips and scoring an end-of-turn rule on them.

A clip is played through what the listener runs (Silero VAD frames into the `Endpointer`),
with the early transcript's reading and the turn model's verdict given at the frame where the
endpointer asks for them, as a deterministic listener does. Shared by scripts/eval_turns.py
and tests/test_turn_set.py, so the figures in docs/turns.md and the tests' floors come from
the same arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import yaml

from voices.audio import SAMPLE_RATE, read_audio
from voices.evalset import REPO
from voices.vad.base import VoiceActivityModel
from voices.vad.endpoint import (Combine, Completeness, Endpointer, EndpointEvent,
                                 judge_completeness)

TURNS_DIR = REPO / "tests" / "data" / "turns"
TEST_MANIFEST = TURNS_DIR / "test.yaml"  # frozen: never tuned on
TUNE_MANIFEST = TURNS_DIR / "tune.yaml"
# never-seen sentences and voices, natural endings, two-sentence turns (scripts/make_turn_set.py)
FRESH_MANIFEST = TURNS_DIR / "fresh.yaml"
PAD_S = 0.2  # audio kept before the speech onset, as server/call/listener.py keeps
_TAIL_S = 2.5  # room-floor silence added after each clip: every rule's longest wait fits
_VAD_THRESHOLD = 0.5  # ListenerSettings.vad_threshold


@dataclass(frozen=True)
class TurnClip:
    """One labelled turn end: finished (`done`) or a pause inside an unfinished turn."""

    id: str
    kind: str
    done: bool
    text: str
    voice: str
    condition: str
    path: Path
    turn_end_s: float  # where the words before the pause (or the whole sentence) end
    resume_s: float | None  # where an unfinished turn's speech resumes

    def audio(self) -> np.ndarray:
        """The clip followed by room-floor silence, 16 kHz mono float32."""
        audio = read_audio(self.path)
        rng = np.random.default_rng(len(audio))
        floor = rng.standard_normal(int(_TAIL_S * SAMPLE_RATE)).astype(np.float32) * 3e-4
        return np.concatenate([audio, floor])

    @property
    def speech_until_s(self) -> float:
        """Where the clip's own audio ends: an unfinished turn still goes on there."""
        return float(len(read_audio(self.path)) / SAMPLE_RATE)


FIXTURES_DIR = REPO / "tests" / "fixtures"


def fixture_turns() -> list[TurnClip]:
    """The call tests' rep turns (tests/fixtures): whole turns, several of two sentences or with
    a pause mid-sentence, each finished only at its last word (a gap of 0.02 or more)."""
    data = yaml.safe_load((FIXTURES_DIR / "manifest.yaml").read_text())
    clips = []
    for entry in data["utterances"]:
        path = FIXTURES_DIR / f"{entry['id']}.wav"
        if not path.is_file() or entry.get("answered_early"):  # a take-back test's rep
            continue
        audio = read_audio(path)
        last = float(np.flatnonzero(np.abs(audio) > 0.02)[-1] / SAMPLE_RATE)
        sentences = sum(entry["text"].count(mark) for mark in ".?!") - entry["text"].count("...")
        kind = "pause" if entry.get("pause_s") else "two sentences" if sentences > 1 else "one"
        clips.append(TurnClip(id=entry["id"], kind=kind, done=True, text=entry["text"],
                              voice=entry.get("voice", "piper"), condition="clean", path=path,
                              turn_end_s=round(last, 3), resume_s=None))
    return clips


def load_turns(manifest: Path = TEST_MANIFEST) -> list[TurnClip]:
    """The clips of a turn-set manifest, their audio in the folder of the same name."""
    data = yaml.safe_load(manifest.read_text())
    folder = manifest.with_suffix("")
    return [TurnClip(id=c["id"], kind=c["kind"], done=c["done"], text=c["text"],
                     voice=c["voice"], condition=c["condition"], path=folder / f"{c['id']}.flac",
                     turn_end_s=c["turn_end_s"], resume_s=c.get("resume_s"))
            for c in data["clips"]]


@dataclass
class Judges:
    """The slow judges, with their answers kept: the same audio always gets the same answer.

    `transcribe(audio) -> text` (the live recogniser), `turn_model(audio) -> P(done)`.
    """

    transcribe: Callable[[np.ndarray], str] | None = None
    turn_model: Callable[[np.ndarray], float] | None = None
    _texts: dict[tuple[str, int, int], str] | None = None
    _probs: dict[tuple[str, int, int], float] | None = None

    def text(self, key: tuple[str, int, int], audio: np.ndarray) -> str:
        self._texts = self._texts if self._texts is not None else {}
        if key not in self._texts:
            if self.transcribe is None:
                raise ValueError("this rule reads the transcript but no recogniser was given")
            self._texts[key] = self.transcribe(audio)
        return self._texts[key]

    def p_done(self, key: tuple[str, int, int], audio: np.ndarray) -> float:
        self._probs = self._probs if self._probs is not None else {}
        if key not in self._probs:
            if self.turn_model is None:
                raise ValueError("this rule asks the turn model but none was given")
            self._probs[key] = self.turn_model(audio)
        return self._probs[key]


@dataclass(frozen=True)
class Outcome:
    """When a rule handed the turn over on one clip."""

    clip: TurnClip
    ended_s: float | None  # first TURN_ENDED, seconds from the clip's start
    checks: tuple[tuple[float, float], ...] = ()  # (seconds, P(done)) at each CHECK answered

    @property
    def cut_off(self) -> bool:
        """The prospect would have answered before the rep had finished."""
        if self.ended_s is None:
            return False
        if self.clip.done:
            return self.ended_s < self.clip.turn_end_s  # a gap between two words
        return self.ended_s < self.clip.speech_until_s

    @property
    def wait_s(self) -> float | None:
        """For a finished turn: from its last word to the hand-over."""
        if not self.clip.done or self.ended_s is None or self.cut_off:
            return None
        return self.ended_s - self.clip.turn_end_s


def labelled_p_done(outcome: Outcome) -> float | None:
    """The turn model's P(done) at the clip's labelled turn end: a finished turn's last check,
    an unfinished one's first check after the words before its pause (None: not asked there)."""
    clip = outcome.clip
    if clip.done:
        return outcome.checks[-1][1] if outcome.checks else None
    after = [p for t, p in outcome.checks if clip.turn_end_s <= t < (clip.resume_s or 1e9)]
    return after[0] if after else None


def separation(outcomes: list[Outcome]) -> float:
    """How well the model's P(done) tells finished turn ends from pauses in unfinished ones:
    the chance that a finished one scores higher (area under the ROC curve; 0.5 is chance)."""
    done = [p for o in outcomes if o.clip.done and (p := labelled_p_done(o)) is not None]
    open_ = [p for o in outcomes if not o.clip.done and (p := labelled_p_done(o)) is not None]
    if not done or not open_:
        return float("nan")
    wins = sum(1.0 if d > u else 0.5 if d == u else 0.0 for d in done for u in open_)
    return wins / (len(done) * len(open_))


class VadCache:
    """Speech probability per frame of each clip, computed once (the VAD is stateful)."""

    def __init__(self, vad: VoiceActivityModel) -> None:
        self.vad = vad
        self._probs: dict[str, list[float]] = {}

    def frames(self, clip: TurnClip, audio: np.ndarray) -> list[float]:
        if clip.id not in self._probs:
            usable = len(audio) - len(audio) % self.vad.frame_samples
            self._probs[clip.id] = self.vad.stream().probabilities(audio[:usable])
        return self._probs[clip.id]


def run_clip(clip: TurnClip, rule: Endpointer, vad: VadCache, judges: Judges,
             use_text: bool = True) -> Outcome:
    """Play one clip through a fresh copy of `rule`; the first hand-over is the outcome."""
    endpointer = replace(rule)
    endpointer.reset()
    audio = clip.audio()
    frame = vad.vad.frame_samples
    frame_s = frame / SAMPLE_RATE
    start: int | None = None
    reads = Completeness.UNKNOWN
    checks: list[tuple[float, float]] = []
    for i, probability in enumerate(vad.frames(clip, audio)):
        end = (i + 1) * frame
        event = endpointer.process(frame_s, probability >= _VAD_THRESHOLD, reads)
        if event is EndpointEvent.SPEECH_STARTED:
            onset = end / SAMPLE_RATE - endpointer.voiced_run_s - PAD_S
            start = max(0, int(onset * SAMPLE_RATE))
        elif event is EndpointEvent.RESUMED:
            reads = Completeness.UNKNOWN
        elif event is EndpointEvent.PAUSED and use_text and start is not None:
            text = judges.text((clip.id, start, end), audio[start:end])
            reads = judge_completeness(text)
            event = endpointer.transcript_ready(reads)
        elif event is EndpointEvent.CHECK and start is not None:
            p_done = None
            if endpointer.combine is not Combine.TEXT:
                p_done = judges.p_done((clip.id, start, end), audio[start:end])
                checks.append((end / SAMPLE_RATE, p_done))
            event = endpointer.verdict(p_done, reads)
        if event is EndpointEvent.TURN_ENDED:
            return Outcome(clip, end / SAMPLE_RATE, tuple(checks))
    return Outcome(clip, None, tuple(checks))


@dataclass(frozen=True)
class Summary:
    """A rule's figures on a set of clips."""

    finished: int
    unfinished: int
    cut_unfinished: int
    cut_finished: int
    wait_p50_s: float
    wait_p90_s: float
    wait_max_s: float
    precision: float  # of the hand-overs, the share that came after a finished turn
    cut_by_kind: dict[str, tuple[int, int]]
    waits_s: tuple[float, ...]  # each finished turn's wait, in the order of the clips

    @property
    def cut_rate(self) -> float:
        """Share of unfinished turns the prospect would have answered."""
        return self.cut_unfinished / self.unfinished if self.unfinished else 0.0


def summarise(outcomes: list[Outcome]) -> Summary:
    """Cut-offs, waits and the precision of 'done' over `outcomes`."""
    finished = [o for o in outcomes if o.clip.done]
    unfinished = [o for o in outcomes if not o.clip.done]
    waits = np.array([w for o in finished if (w := o.wait_s) is not None] or [np.nan])
    right = sum(1 for o in finished if o.wait_s is not None)
    wrong = sum(1 for o in outcomes if o.cut_off)
    kinds: dict[str, tuple[int, int]] = {}
    for o in outcomes:
        cut, n = kinds.get(o.clip.kind, (0, 0))
        kinds[o.clip.kind] = (cut + o.cut_off, n + 1)
    return Summary(
        finished=len(finished), unfinished=len(unfinished),
        cut_unfinished=sum(o.cut_off for o in unfinished),
        cut_finished=sum(o.cut_off for o in finished),
        wait_p50_s=float(np.nanpercentile(waits, 50)),
        wait_p90_s=float(np.nanpercentile(waits, 90)),
        wait_max_s=float(np.nanmax(waits)),
        precision=right / (right + wrong) if right + wrong else 0.0,
        cut_by_kind=kinds,
        waits_s=tuple(w for o in finished if (w := o.wait_s) is not None))
