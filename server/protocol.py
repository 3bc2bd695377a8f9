"""The messages of `/ws/call`, defined once for the server and the clients (docs/protocol.md)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError


class ErrorCode(StrEnum):
    """Stable codes of `error` events; the message beside each says what to fix."""

    BAD_FRAME = "bad_frame"
    UNKNOWN_TYPE = "unknown_type"
    NOT_STARTED = "not_started"
    ALREADY_STARTED = "already_started"
    UNKNOWN_SCENARIO = "unknown_scenario"
    BAD_PRACTICE = "bad_practice"
    BAD_SAMPLE_RATE = "bad_sample_rate"
    FRAME_TOO_LARGE = "frame_too_large"
    ODD_LENGTH_AUDIO = "odd_length_audio"
    CALL_TOO_LONG = "call_too_long"
    IDLE = "idle"
    BUSY = "busy"
    UNAUTHORIZED = "unauthorized"
    TOO_MANY_CALLS = "too_many_calls"
    SPEECH_TO_TEXT_FAILED = "stt_failed"
    TEXT_TO_SPEECH_FAILED = "tts_failed"
    INTERNAL = "internal"


class ProtocolError(Exception):
    """Something the client sent that the server refuses, with a stable code."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# --- client -> server -----------------------------------------------------------------------

class PracticeMoment(BaseModel):
    """One moment to try again: the prospect opens with `line` in dialog `state`, and the
    call is scored on the rep's answer alone (docs/protocol.md, docs/scorecard.md)."""

    model_config = ConfigDict(extra="ignore")

    state: str = Field(min_length=1, max_length=100)
    line: str = Field(min_length=1, max_length=500)
    prospect_turn: int | None = Field(default=None, ge=0)  # its turn in the call it came from
    offered: float | None = Field(default=None, ge=0, le=1_000_000)  # given by then (10: 10%)


class StartMessage(BaseModel):
    """The first frame of a call."""

    model_config = ConfigDict(extra="ignore")

    type: Literal["start"]
    scenario: str = Field(min_length=1, max_length=100)
    sample_rate: int = Field(default=16_000, ge=8_000, le=48_000)
    difficulty: str = "normal"
    seed: int | None = None
    token: str | None = None
    practice: PracticeMoment | None = None
    # Decide on the call clock alone (docs/protocol.md): scripted calls, never a live rep.
    deterministic: bool = False


class EndMessage(BaseModel):
    """Hang up."""

    model_config = ConfigDict(extra="ignore")

    type: Literal["end"]


ClientMessage = Annotated[StartMessage | EndMessage, Field(discriminator="type")]
_CLIENT = TypeAdapter(ClientMessage)


def parse_client_message(text: str) -> StartMessage | EndMessage:
    """Parse one text frame; raises ProtocolError with a code the client can act on."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ProtocolError(ErrorCode.BAD_FRAME, f"text frame is not JSON: {err.msg}") from err
    except RecursionError as err:  # '[[[[...' deep enough overflows the JSON decoder
        raise ProtocolError(ErrorCode.BAD_FRAME, "text frame is nested too deeply") from err
    except ValueError as err:  # an integer past sys.get_int_max_str_digits() (docs/security.md)
        raise ProtocolError(ErrorCode.BAD_FRAME, "text frame has a number of more than "
                            f"{sys.get_int_max_str_digits()} digits") from err
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ProtocolError(ErrorCode.BAD_FRAME, "a text frame must be a JSON object with a 'type'")
    if data["type"] not in ("start", "end"):
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"unknown message type {data['type']!r}")
    try:
        return _CLIENT.validate_python(data)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"][1:]) or "message"
        code = ErrorCode.BAD_SAMPLE_RATE if field == "sample_rate" else ErrorCode.BAD_FRAME
        raise ProtocolError(code, f"{data['type']}: {field}: {first['msg']}") from err


# --- server -> client -----------------------------------------------------------------------

class Persona(BaseModel):
    """Who the rep is talking to this call (docs/scenarios.md, "Personas")."""

    name: str
    role: str
    company: str
    temperament: str


class ReadyEvent(BaseModel):
    type: Literal["ready"] = "ready"
    call_id: str
    sample_rate: int
    scenario: str
    difficulty: str
    persona: Persona | None = None  # drawn for this call by its seed


class PartialEvent(BaseModel):
    type: Literal["partial"] = "partial"
    text: str


class TranscriptEvent(BaseModel):
    type: Literal["transcript"] = "transcript"
    turn: int
    text: str
    start: float
    end: float
    words: list[dict[str, Any]]
    stt_ms: float | None = None  # how long speech-to-text took for this turn
    cut: bool = False  # the prospect cut in: the rep talked past its limit


class ProspectEvent(BaseModel):
    type: Literal["prospect"] = "prospect"
    turn: int
    text: str
    state: str
    ends_call: bool = False
    cut_in: bool = False  # said over a rep who talked too long; the rep's turn ended there


class ProspectAudioEndEvent(BaseModel):
    type: Literal["prospect_audio_end"] = "prospect_audio_end"
    turn: int
    duration: float
    tts_ms: float | None = None  # from the line's text to its first audio, cache hits included


class BackchannelEvent(BaseModel):
    """A listener's murmur into a pause of the rep ("Mm."); `duration` s of audio follow.

    Not a turn: the rep may go on, and the prospect's answer, if the turn is over, follows it.
    """

    type: Literal["backchannel"] = "backchannel"
    text: str
    duration: float


class StopAudioEvent(BaseModel):
    type: Literal["stop_audio"] = "stop_audio"
    turn: int
    # the prospect answered too soon and takes the line back: it answers the rep's whole turn
    # once the rep ends it (docs/protocol.md)
    taken_back: bool = False


class ScoreEvent(BaseModel):
    """Live evidence for one rep turn; the fields come from scoring.score_turn."""

    model_config = ConfigDict(extra="allow")
    type: Literal["score"] = "score"
    turn: int


class ScorecardEvent(BaseModel):
    """The scorecard (docs/scorecard.md), sent once at the end of the call."""

    model_config = ConfigDict(extra="allow")
    type: Literal["scorecard"] = "scorecard"


class ErrorEvent(BaseModel):
    type: Literal["error"] = "error"
    code: ErrorCode
    message: str


ServerEvent = Annotated[
    ReadyEvent
    | PartialEvent
    | TranscriptEvent
    | ProspectEvent
    | ProspectAudioEndEvent
    | BackchannelEvent
    | StopAudioEvent
    | ScoreEvent
    | ScorecardEvent
    | ErrorEvent,
    Field(discriminator="type"),
]
SERVER_EVENT = TypeAdapter(ServerEvent)
