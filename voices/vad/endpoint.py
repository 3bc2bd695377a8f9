"""End-of-turn decisions: a pure state machine fed (seconds, is_speech) per frame."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Sensitivity(StrEnum):
    """How long a silence ends the rep's turn, in words a person understands."""

    RELAXED = "relaxed"
    DEFAULT = "default"
    AGGRESSIVE = "aggressive"

    @property
    def silence_seconds(self) -> float:
        return {"relaxed": 1.2, "default": 0.7, "aggressive": 0.45}[self.value]


class EndpointEvent(StrEnum):
    SPEECH_STARTED = "speech_started"
    PAUSED = "paused"  # a short pause: time to transcribe early, in case the turn is over
    RESUMED = "resumed"  # speech again after a pause: an early transcript is stale
    HEARD = "heard"  # a longer pause: time for a listener's "mm", the turn may still go on
    CHECK = "check"  # ask the turn model now; answer with `Endpointer.verdict` before more audio
    TURN_ENDED = "turn_ended"


class Combine(StrEnum):
    """Which judges end a turn early, once the turn model has been asked (docs/turns.md)."""

    TEXT = "text"  # the early transcript alone (no turn model)
    MODEL = "model"  # the turn model alone: done ends the turn, not done waits long
    # both must hear a finished turn, then the words' own wait (0.3 s a question, 0.5 s a
    # statement, so a rep can add a sentence); either hearing it unfinished waits long
    MODEL_AND_TEXT = "model_and_text"
    MODEL_AND_TEXT_AT_ONCE = "model_and_text_at_once"  # as above, but ends at the check
    MODEL_OR_TEXT = "model_or_text"  # the model says done, or the words read finished


# Words a finished sentence does not end on: "the reason our price holds is ..." goes on.
# Not "you" or "it": as the last word they are objects ("let me show you", "we can do it").
_CONTINUATIONS = frozenset(
    "a an the and but or so because if than that which who whose to of for with on in at by "
    "from about as is are was were be been am our your my their his her its this these those "
    "i we they he she can could will would should um uh er like".split()
)


class Completeness(StrEnum):
    """How the turn so far reads, from its early transcript."""

    UNKNOWN = "unknown"  # no transcript yet
    UNFINISHED = "unfinished"  # "the reason our price holds is ..."
    STATEMENT = "statement"
    QUESTION = "question"  # a question wants an answer: the quickest hand-over


def judge_completeness(text: str) -> Completeness:
    """Whether a transcript reads as a finished thought (closing punctuation, no dangling word)."""
    stripped = text.strip()
    if not stripped or stripped.endswith(("...", "…", ",", "-", ";", ":")):
        return Completeness.UNFINISHED
    if stripped[-1] not in ".?!":
        return Completeness.UNFINISHED
    last = stripped.rstrip(".?!\"' ").split()[-1:]
    if not last or last[0].lower().strip(",") in _CONTINUATIONS:
        return Completeness.UNFINISHED
    return Completeness.QUESTION if stripped.endswith("?") else Completeness.STATEMENT


@dataclass
class Endpointer:
    """Decides when the rep started and finished a turn; knows nothing of audio or models.

    A turn starts after `speech_start_s` of voiced frames in a row (so a click or a
    breath is not a turn) and ends after `silence_s` of unvoiced frames. A pause of
    `early_s` is reported so the caller can transcribe early; once it tells us how the turn
    reads, a finished question ends it after `question_silence_s` and a finished statement
    after `statement_silence_s`: people answer a question at once, let a speaker add a
    sentence to a statement (reps pause 0.3-0.45 s between sentences), and wait out an
    unfinished thought. A pause of `heard_s` is reported once, so the prospect can murmur
    "mm" as a listener does: it answers the pause at once without taking the turn.

    With a turn model (`combine` other than TEXT), CHECK is reported when a pause reaches each
    of `check_s`; the caller answers with `verdict(P(done))` before feeding more audio, so the
    decision depends on the audio alone, never on how fast the model ran. A turn the model
    judges done ends at once; one it judges unfinished waits `unfinished_silence_s`.
    """

    silence_s: float = Sensitivity.DEFAULT.silence_seconds
    speech_start_s: float = 0.16
    early_s: float = 0.08
    question_silence_s: float = 0.3
    statement_silence_s: float = 0.5
    heard_s: float = 0.0  # 0: never report HEARD
    combine: Combine = Combine.TEXT
    check_s: tuple[float, ...] = (0.2,)
    done_threshold: float = 0.5
    unfinished_silence_s: float = 1.5
    in_speech: bool = False
    _voiced_run: float = 0.0
    _silent_run: float = 0.0
    _paused: bool = False
    _heard: bool = False
    _done: bool | None = None  # the turn model's latest verdict on this pause

    def process(
        self, chunk_s: float, is_speech: bool, reads: Completeness = Completeness.UNKNOWN
    ) -> EndpointEvent | None:
        """Feed one frame; `reads`: how the early transcript of this turn reads, if any."""
        if is_speech:
            self._voiced_run += chunk_s
            self._silent_run = 0.0
            if not self.in_speech and self._voiced_run >= self.speech_start_s:
                self.in_speech = True
                return EndpointEvent.SPEECH_STARTED
            if self._paused or self._done is not None:
                self._paused = False
                self._heard = False
                self._done = None
                return EndpointEvent.RESUMED
            return None
        self._voiced_run = 0.0
        if not self.in_speech:
            return None
        before = self._silent_run
        self._silent_run += chunk_s
        if self.combine is not Combine.TEXT and any(
                before < c <= self._silent_run for c in self.check_s):
            return EndpointEvent.CHECK
        if self._silent_run >= self._silence_needed(reads):
            self.reset()
            return EndpointEvent.TURN_ENDED
        if not self._paused and self._silent_run >= self.early_s:
            self._paused = True
            return EndpointEvent.PAUSED
        if self._paused and not self._heard and 0 < self.heard_s <= self._silent_run:
            self._heard = True
            return EndpointEvent.HEARD
        return None

    def verdict(self, p_done: float, reads: Completeness = Completeness.UNKNOWN
                ) -> EndpointEvent | None:
        """The turn model's P(done) for the turn up to the CHECK just reported."""
        self._done = p_done >= self.done_threshold
        return self.transcript_ready(reads)

    def transcript_ready(self, reads: Completeness) -> EndpointEvent | None:
        """The early transcript came back between frames: end now if it allows."""
        if self.in_speech and self._silent_run >= self._silence_needed(reads):
            self.reset()
            return EndpointEvent.TURN_ENDED
        return None

    def _silence_needed(self, reads: Completeness) -> float:
        if self.combine is Combine.TEXT:
            return self._text_silence(reads)
        if self._done is None:  # not asked yet: only the longest wait ends the turn
            return self.unfinished_silence_s
        finished = reads in (Completeness.QUESTION, Completeness.STATEMENT)
        if self.combine in (Combine.MODEL_AND_TEXT, Combine.MODEL_AND_TEXT_AT_ONCE):
            # either judge hearing an unfinished thought is enough to wait the long silence
            if not self._done or reads is Completeness.UNFINISHED:
                return self.unfinished_silence_s
            return 0.0 if self.combine is Combine.MODEL_AND_TEXT_AT_ONCE else \
                self._text_silence(reads)
        if self._done:
            return 0.0
        if self.combine is Combine.MODEL_OR_TEXT and finished:
            return self._text_silence(reads)
        return self.unfinished_silence_s

    def _text_silence(self, reads: Completeness) -> float:
        if reads is Completeness.QUESTION:
            return min(self.silence_s, self.question_silence_s)
        if reads is Completeness.STATEMENT:
            return min(self.silence_s, self.statement_silence_s)
        return self.silence_s

    @property
    def silent_run_s(self) -> float:
        """Seconds of silence since the rep's last voiced frame in this turn."""
        return self._silent_run

    @property
    def voiced_run_s(self) -> float:
        """Seconds of consecutive speech that led to the current state."""
        return self._voiced_run

    def reset(self) -> None:
        """Forget any turn in progress."""
        self.in_speech = False
        self._voiced_run = 0.0
        self._silent_run = 0.0
        self._paused = False
        self._heard = False
        self._done = None
