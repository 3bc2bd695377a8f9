"""End-of-turn decisions: a pure state machine fed (seconds, is_speech) per frame."""

from __future__ import annotations

import re
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
    # ask the judges now (the turn model, if the rule has one; the early transcript's reading)
    # and answer with `Endpointer.verdict` before more audio
    CHECK = "check"
    TURN_ENDED = "turn_ended"


class Combine(StrEnum):
    """Which judges end a turn early, once the turn model has been asked (docs/turns.md)."""

    # the early transcript alone: a finished question waits 0.3 s, a finished statement 0.5 s
    # (so a rep can add a sentence), a turn that reads unfinished the long silence
    TEXT = "text"
    MODEL = "model"  # the turn model alone: done ends the turn, not done waits long
    # both must hear a finished turn, then the words' own wait (0.3 s a question, 0.5 s a
    # statement, so a rep can add a sentence); either hearing it unfinished waits long
    MODEL_AND_TEXT = "model_and_text"
    MODEL_AND_TEXT_AT_ONCE = "model_and_text_at_once"  # as above, but ends at the check
    MODEL_OR_TEXT = "model_or_text"  # the model says done, or the words read finished
    # the words' own wait when the model is sure (P >= done_threshold); a middling P waits
    # `doubt_silence_s`, a low one (below `doubt_threshold`) or unfinished words the long silence
    GRADED = "graded"


# Words a finished sentence does not end on: articles, possessives, conjunctions, auxiliaries,
# modals, subject pronouns, fillers ("the reason our price holds is ..." goes on). Not
# prepositions, "this"/"that", object pronouns or "so": spoken sentences end on them ("what you
# pay for", "sign off on this", "I told her", "I think so").
_NEVER_LAST = frozenset(
    "a an the and but or nor if than whether which who whose to of as "
    "is are was were be been being am our your my their its "
    "can could will would should shall must may might i we they he she um uh er erm".split()
)
# A sentence that opens with one of these and has no comma is a clause still waiting for its
# main clause ("If we cut the price now ..."). Not "because" or "since": a rep answers with them.
_SUBORDINATORS = frozenset(
    "if when whenever unless although though while whereas once until before after".split())
# A list item after a comma opens with one of these ("the trucks, the drivers ...").
_DETERMINERS = frozenset("the a an your our their my his its this these those".split())
_NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand million billion".split())
_NUMBER = re.compile(r"[$£€]?\d[\d.,]*%?")
_LIST_ITEM_WORDS = 4  # "your volumes, your outs": a short item with no "and" before it


class Completeness(StrEnum):
    """How the turn so far reads, from its early transcript."""

    UNKNOWN = "unknown"  # no transcript asked for (the silence alone decides)
    # asked for and not back yet: wait as for an unfinished thought, so a busy machine's slow
    # transcript never lets "Our price is ... [0.8 s]" be answered; its arrival ends the turn
    # at once if the silence already suffices (Endpointer.transcript_ready)
    PENDING = "pending"
    UNFINISHED = "unfinished"  # "the reason our price holds is ..."
    STATEMENT = "statement"
    QUESTION = "question"  # a question wants an answer: the quickest hand-over


def judge_completeness(text: str) -> Completeness:
    """Whether a transcript reads as a finished thought (closing punctuation, no dangling word,
    and not an ending that usually goes on: a number, a list item, a lone "if" clause)."""
    stripped = text.strip()
    if not stripped or stripped.endswith(("...", "…", ",", "-", ";", ":")):
        return Completeness.UNFINISHED
    if stripped[-1] not in ".?!":
        return Completeness.UNFINISHED
    words = stripped.rstrip(".?!\"' ").split()
    if not words or words[-1].lower().strip(",") in _NEVER_LAST:
        return Completeness.UNFINISHED
    if stripped.endswith("?"):
        return Completeness.QUESTION
    if _goes_on(re.split(r"(?<=[.?!])\s+", stripped.rstrip(".!\"' "))[-1]):
        return Completeness.UNFINISHED
    return Completeness.STATEMENT


def _goes_on(sentence: str) -> bool:
    """A last sentence closed by the recogniser that a speaker usually continues: a number
    being read out ("The total comes to 4000." before "... two hundred"), a list with no "and"
    before its last item, or a subordinate clause with no main clause after it."""
    words = sentence.lower().strip("\"' ").split()
    if not words:
        return False
    last = words[-1].strip(",")
    if _NUMBER.fullmatch(last) or last in _NUMBER_WORDS:
        return True
    if "," in sentence:
        item = sentence.rsplit(",", 1)[1].lower().split()
        if item and item[0] in _DETERMINERS and len(item) <= _LIST_ITEM_WORDS:
            return True
    return words[0] in _SUBORDINATORS and "," not in sentence


@dataclass
class Endpointer:
    """Decides when the rep started and finished a turn; knows nothing of audio or models.

    A turn starts after `speech_start_s` of voiced frames in a row (so a click or a
    breath is not a turn) and ends after `silence_s` of unvoiced frames. A pause of
    `early_s` is reported so the caller can transcribe early; once it tells us how the turn
    reads, a finished question ends it after `question_silence_s` and a finished statement
    after `statement_silence_s`: people answer a question at once, let a speaker add a
    sentence to a statement (reps pause 0.3-0.45 s between sentences), and wait out an
    unfinished thought (`unfinished_silence_s`, longer than reps' pauses mid-sentence). With no
    transcript asked for, `silence_s` ends the turn; while one is out (PENDING), the long wait. A pause of `heard_s` is reported once,
    so the prospect can murmur "mm" as a listener does: it answers the pause at once without
    taking the turn.

    CHECK is reported when a pause reaches each of `check_s`; the caller answers with
    `verdict(P(done), reading)` before feeding more audio (P None for TEXT, which asks no model),
    so the decision depends on the audio alone, never on how fast the early transcript or the
    model came back. A rule with a turn model needs a check point. How the model's verdict and
    the words combine is `combine`'s (docs/turns.md).
    """

    silence_s: float = Sensitivity.DEFAULT.silence_seconds
    speech_start_s: float = 0.16
    early_s: float = 0.08
    question_silence_s: float = 0.3
    statement_silence_s: float = 0.5
    heard_s: float = 0.0  # 0: never report HEARD
    combine: Combine = Combine.TEXT
    check_s: tuple[float, ...] = ()
    done_threshold: float = 0.5
    unfinished_silence_s: float = 1.5
    doubt_threshold: float = 0.3  # GRADED: below this P(done) the model hears it unfinished
    doubt_silence_s: float = 1.0  # GRADED: the wait when the model is neither sure nor doubtful
    in_speech: bool = False
    _voiced_run: float = 0.0
    _silent_run: float = 0.0
    _paused: bool = False
    _heard: bool = False
    _checked: bool = False  # the judges were asked during this pause
    _p_done: float | None = None  # the turn model's latest P(done) on this pause

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
            if self._paused or self._checked:
                self._paused = False
                self._heard = False
                self._checked = False
                self._p_done = None
                return EndpointEvent.RESUMED
            return None
        self._voiced_run = 0.0
        if not self.in_speech:
            return None
        before = self._silent_run
        self._silent_run += chunk_s
        if any(before < c <= self._silent_run for c in self.check_s):
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

    def verdict(self, p_done: float | None, reads: Completeness = Completeness.UNKNOWN
                ) -> EndpointEvent | None:
        """The judges' answer on the turn up to the CHECK just reported: the turn model's P(done)
        (None: no model asked) and how the early transcript reads."""
        self._checked = True
        if p_done is not None:
            self._p_done = p_done
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
        if self._p_done is None:  # not asked yet: only the longest wait ends the turn
            return self.unfinished_silence_s
        done = self._p_done >= self.done_threshold
        finished = reads in (Completeness.QUESTION, Completeness.STATEMENT)
        if self.combine is Combine.GRADED:
            if reads is Completeness.UNFINISHED or self._p_done < self.doubt_threshold:
                return self.unfinished_silence_s
            words = self._text_silence(reads)
            return words if done else max(words, self.doubt_silence_s)
        if self.combine in (Combine.MODEL_AND_TEXT, Combine.MODEL_AND_TEXT_AT_ONCE):
            # either judge hearing an unfinished thought (or words not back yet) is enough to
            # wait the long silence
            if not done or reads in (Completeness.UNFINISHED, Completeness.PENDING):
                return self.unfinished_silence_s
            return 0.0 if self.combine is Combine.MODEL_AND_TEXT_AT_ONCE else \
                self._text_silence(reads)
        if done:
            return 0.0
        if self.combine is Combine.MODEL_OR_TEXT and finished:
            return self._text_silence(reads)
        return self.unfinished_silence_s

    def _text_silence(self, reads: Completeness) -> float:
        """The words' own wait: short after a finished question or statement, long after an
        unfinished thought, the endpoint sensitivity's while the transcript is not back."""
        if reads is Completeness.QUESTION:
            return min(self.silence_s, self.question_silence_s)
        if reads is Completeness.STATEMENT:
            return min(self.silence_s, self.statement_silence_s)
        if reads in (Completeness.UNFINISHED, Completeness.PENDING):
            return max(self.silence_s, self.unfinished_silence_s)
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
        self._checked = False
        self._p_done = None
