"""What each part of a call may be tuned by: small frozen projections of `server.settings.Settings`.

`Settings` reads the environment once; each component takes only its own slice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from voices.vad.endpoint import Combine


@dataclass(frozen=True)
class ListenerSettings:
    """How the listener hears the rep: voice activity, end of turn, barge-in, partials."""

    vad_threshold: float = 0.5
    """Speech probability from which a VAD frame counts as the rep's voice."""
    turn_silence_s: float = 0.7
    """Silence that ends a turn whose transcript is not back yet (the endpoint sensitivity)."""
    early_transcribe_s: float = 0.08
    """Pause after which the turn so far is transcribed, in case it ended."""
    question_silence_s: float = 0.3
    """Silence that ends a turn that reads as a finished question."""
    statement_silence_s: float = 0.5
    """Silence that ends a turn that reads as a finished statement."""
    murmur_after_s: float = 0.3
    """Pause in the rep's turn after which the prospect may murmur (0: never)."""
    partial_interval_s: float = 1.0
    """Seconds between partial transcripts of a turn in progress (0: none)."""
    barge_in_min_speech_s: float = 0.3
    """Unbroken rep speech over the prospect's audio that stops it."""
    turn_rule: Combine = Combine.TEXT
    """Who ends a turn early when a turn model is loaded (docs/turns.md). TEXT, the words alone:
    Smart Turn measured no better than chance on the turn-end set, and its doubts made finished
    turns wait the long silence."""
    turn_check_s: tuple[float, ...] = (0.2,)
    """Pause (s) at which the turn model is asked whether the rep is done."""
    turn_done_threshold: float = 0.5
    """The turn model's P(done) from which it counts as done."""
    turn_unfinished_silence_s: float = 1.5
    """Silence that ends a turn that reads (or is judged) unfinished: longer than reps' pauses
    mid-sentence."""


@dataclass(frozen=True)
class VoiceSettings:
    """How the prospect's voice goes out."""

    murmur_gap_s: float = 2.0
    """At least this long between two murmurs."""
    piece_s: float = 0.2
    """Prospect audio goes out in pieces this long, so a barge-in stops it fast."""


@dataclass(frozen=True)
class CallSettings:
    """Everything one call session is tuned by."""

    listener: ListenerSettings = field(default_factory=ListenerSettings)
    """The listener's slice."""
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    """The prospect voice's slice."""
    audio_fillers: bool = False
    """Also count hesitations found in the audio (docs/scoring.md)."""
    scorecard_timeout_s: float = 30.0
    """How long the scorecard may take after hang-up."""
    second_pass_wait_s: float = 0.8
    """How long the scorecard waits at hang-up for the accurate transcripts still being made
    (docs/transcripts.md); a turn not done by then keeps its live transcript. 0: no second pass."""
    second_pass_max_calls: int = 2
    """Re-transcribe a turn for the scorecard only while at most this many calls are live: on
    2 cores the second pass beside eight calls slowed every answer (bench/README.md)."""
    take_back_within_s: float = 1.0
    """A rep who talks over the prospect's answer this soon after it began was not done: the
    prospect takes the answer back and answers the whole turn once the rep ends it (0: never;
    docs/turns.md, "Taking an answer back")."""
    prepare_max_calls: int = 2
    """Make the answer's audio at the rep's pause only while at most this many calls are live:
    on a busy server a line made for a pause the rep then talks through takes the CPU the
    other calls' transcripts wait for (docs/turns.md)."""
