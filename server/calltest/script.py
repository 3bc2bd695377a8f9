"""Call-script files: a scenario, the rep's turns and what the call must produce.

The YAML is validated by pydantic at the edge; errors name the file and the field
(`scripts/x.yaml: expect.outcome: ...`). Inside, a script is a frozen dataclass with every
audio path resolved against the script's own folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dialog.outcomes import Outcome

ConcessionKind = Literal["price", "time", "info", "scope"]


class CallScriptError(Exception):
    """A call-script file that cannot be used; the message names the file and the field."""


# --- the file, as written (pydantic) -----------------------------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TurnSpec(_Strict):
    """One rep turn: an audio file (relative to the script) or text spoken by the piper voice."""

    audio: str | None = None
    text: str | None = Field(default=None, min_length=1)
    says: str | None = Field(default=None, min_length=1)  # what an audio turn says (docs/ci.md)
    pause_before_s: float = Field(default=0.0, ge=0.0, le=30.0)

    @model_validator(mode="after")
    def _one_source(self) -> TurnSpec:
        if (self.audio is None) == (self.text is None):
            raise ValueError("give exactly one of 'audio' or 'text'")
        return self


class ConcessionRules(_Strict):
    """Which concession kinds may appear, and how many in all."""

    allowed: list[ConcessionKind] | None = None
    forbidden: list[ConcessionKind] = Field(default_factory=list)
    min: int | None = Field(default=None, ge=0)  # a caving script proves the scorer saw it
    max: int | None = Field(default=None, ge=0)


class ProspectLineRule(_Strict):
    """The prospect's line `turn` (0 = the opening) must match `matches` (a regex)."""

    turn: int = Field(ge=0)
    matches: str

    @field_validator("matches")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as err:
            raise ValueError(f"not a valid regular expression: {err}") from err
        return value


class ExpectSpec(_Strict):
    """What the call must produce; every field is optional."""

    outcome: list[Outcome] | None = None  # one outcome or a list of acceptable ones
    concessions: ConcessionRules | None = None
    max_fillers: int | None = Field(default=None, ge=0)
    min_confidence: float | None = Field(default=None, ge=0, le=100)
    min_overall: float | None = Field(default=None, ge=0, le=100)
    prospect_says: list[ProspectLineRule] = Field(default_factory=list)
    rep_says: list[str] = Field(default_factory=list)
    max_turn_wer: float = Field(default=0.25, ge=0.0)  # per rep turn, against what it says

    @field_validator("outcome", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        # a bare value and a list are both natural to write; one shape keeps errors simple
        return [value] if isinstance(value, str) else value


class ScriptSpec(_Strict):
    """A whole call-script file."""

    name: str | None = None
    description: str | None = None
    scenario: str = Field(min_length=1)
    difficulty: str = "normal"
    seed: int | None = 0
    turns: list[TurnSpec] = Field(min_length=1)
    expect: ExpectSpec = Field(default_factory=ExpectSpec)


# --- the script, resolved (frozen dataclasses) -------------------------------------------------

@dataclass(frozen=True)
class ScriptTurn:
    """A rep turn with its audio path made absolute."""

    audio: Path | None
    text: str | None
    pause_before_s: float = 0.0

    def label(self) -> str:
        return str(self.audio) if self.audio is not None else repr(self.text)


@dataclass(frozen=True)
class Expectations:
    """The checks a finished call must pass (see `server.calltest.expectations`)."""

    outcomes: tuple[str, ...] = ()
    allowed_concessions: frozenset[str] | None = None
    forbidden_concessions: frozenset[str] = frozenset()
    min_concessions: int | None = None
    max_concessions: int | None = None
    max_fillers: int | None = None
    min_confidence: float | None = None
    min_overall: float | None = None
    prospect_says: tuple[tuple[int, str], ...] = ()
    rep_says: tuple[str, ...] = ()
    max_turn_wer: float = 0.25
    # what each rep turn says (its text, or an audio turn's `says`); None: not checked
    rep_references: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class CallScript:
    """One scripted call, ready to play."""

    path: Path
    name: str
    scenario: str
    difficulty: str
    seed: int | None
    turns: tuple[ScriptTurn, ...]
    expect: Expectations


def _field(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _expectations(spec: ExpectSpec, references: tuple[str | None, ...]) -> Expectations:
    outcomes = tuple(str(o) for o in spec.outcome or ())
    rules = spec.concessions or ConcessionRules()
    return Expectations(
        outcomes=outcomes,
        allowed_concessions=None if rules.allowed is None else frozenset(rules.allowed),
        forbidden_concessions=frozenset(rules.forbidden),
        min_concessions=rules.min,
        max_concessions=rules.max,
        max_fillers=spec.max_fillers,
        min_confidence=spec.min_confidence,
        min_overall=spec.min_overall,
        prospect_says=tuple((r.turn, r.matches) for r in spec.prospect_says),
        rep_says=tuple(spec.rep_says),
        max_turn_wer=spec.max_turn_wer,
        rep_references=references,
    )


def load_call_script(path: Path | str) -> CallScript:
    """Read and validate one script; raises CallScriptError naming the file and the field."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise CallScriptError(f"{path}: cannot read the script: {err.strerror or err}") from err
    except UnicodeDecodeError as err:
        raise CallScriptError(f"{path}: not a call script: the file is not text (a call script "
                              "is a YAML file, docs/ci.md)") from err
    except yaml.YAMLError as err:
        raise CallScriptError(f"{path}: not valid YAML: {err}") from err
    if not isinstance(data, dict):
        held = {type(None): "nothing", str: "plain text", list: "a list"}.get(type(data), "a value")
        raise CallScriptError(f"{path}: not a call script: it holds {held}, not the YAML mapping "
                              "of 'scenario', 'turns' and 'expect' a call script is (docs/ci.md)")
    try:
        spec = ScriptSpec.model_validate(data)
    except ValidationError as err:
        lines = [f"{path}: {_field(e['loc'])}: {e['msg']}" for e in err.errors()]
        raise CallScriptError("\n".join(lines)) from err
    turns = []
    for i, turn in enumerate(spec.turns):
        audio = None
        if turn.audio is not None:
            audio = (path.parent / turn.audio).resolve()
            if not audio.is_file():
                raise CallScriptError(f"{path}: turns[{i}].audio: file not found: {audio}")
        turns.append(ScriptTurn(audio=audio, text=turn.text, pause_before_s=turn.pause_before_s))
    return CallScript(
        path=path, name=spec.name or path.stem, scenario=spec.scenario,
        difficulty=spec.difficulty, seed=spec.seed, turns=tuple(turns),
        expect=_expectations(spec.expect, tuple(t.says or t.text for t in spec.turns)),
    )
