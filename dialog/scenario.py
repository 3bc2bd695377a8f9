"""Scenario files: the schema (pydantic), validation with file-and-field errors, the catalog.

A scenario is a YAML file in `dialog/scenarios/`; see docs/scenarios.md for how to write one.

Over the ~400-line aim on purpose: the schema and the cross-field checks pydantic cannot
express are one contract, every rule a scenario must meet (a file, or the editor's draft on the
same validator), and read best beside the fields they govern.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import string

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from scoring.rep_moves import MoveKind
from dialog.line_meaning import fits, read_meaning
from dialog.outcomes import Outcome
from dialog.slots import REP_SLOTS
from scoring.concessions import ConcessionKind
from scoring.coaching import CoachingLines, parse_coaching

DIFFICULTIES = ("easy", "normal", "hard")
# Transition keys besides move kinds: "firm" (any of the scenario's firm_moves) and "default".
GROUP_KEYS = ("firm", "default")
# Placeholders a prospect line may use; the machine fills them in (numbers as words).
# {heard} is the last few words the rep said, for a prospect who did not follow them; {amount},
# {when}, {reason} and {question} are what the rep's last turn said (dialog/slots.py).
LINE_FIELDS = frozenset({"name", "role", "company", "demand", "offered", "need", "heard",
                         *REP_SLOTS})
# Placeholders that may have nothing to fill in: each group of lines keeps one without them.
OPTIONAL_FIELDS = frozenset({"heard", "offered", *REP_SLOTS})
# How the call ends after a line from these groups (docs/scenarios.md, "Outcomes").
ENDING_OUTCOMES = {"impatient_lines": Outcome.LOST, "limit_lines": Outcome.NO_DECISION,
                   "hangup_lines": Outcome.NO_DECISION}


class ScenarioFileError(Exception):
    """A scenario file that cannot be used; names the file and the offending field."""

    def __init__(self, path: Path | str, field: str, message: str) -> None:
        self.path = Path(path)
        self.field = field
        self.message = message
        super().__init__(f"{self.path}: {field}: {message}" if field else f"{self.path}: {message}")


class UnknownScenarioError(KeyError):
    """No scenario with that id in the catalog."""

    def __init__(self, scenario_id: str, known: list[str]) -> None:
        self.scenario_id = scenario_id
        self.known = known
        super().__init__(f"unknown scenario {scenario_id!r}; known: {', '.join(known) or 'none'}")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PersonaVoice(_Model):
    """How a persona sounds through the bundled voice (docs/scenarios.md, "Personas"); the
    defaults are the voice's own delivery. Plain data: voices/ turns it into speech."""

    length_scale: float = Field(default=1.0, ge=0.7, le=1.4, description="above 1 slower")
    noise_scale: float = Field(default=0.667, ge=0.2, le=1.0, description="variation in the sound")
    noise_w: float = Field(default=0.8, ge=0.2, le=1.2, description="variation in the rhythm")
    # beyond about three semitones the one bundled (male) voice stops sounding like a person
    pitch_semitones: float = Field(default=0.0, ge=-3.0, le=3.0, description="higher above 0")


class Persona(_Model):
    """One prospect a call may meet: who, how they behave, how they sound."""

    name: str = Field(min_length=1)
    role: str = Field(min_length=1)
    company: str = Field(min_length=1)
    temperament: str = Field(min_length=1)
    voice: PersonaVoice = Field(default_factory=PersonaVoice)
    # added to the scenario's difficulty knobs at every level ({patience: -1}: a shorter fuse)
    adjust: dict[str, float] = Field(default_factory=dict)

    def knobs(self, base: Difficulty) -> Difficulty:
        """`base` moved by this persona's `adjust`; ValueError when a knob leaves its range."""
        values = base.model_dump()
        for knob, delta in self.adjust.items():
            if knob not in values:
                raise ValueError(f"{knob!r} is not a difficulty knob; use one of "
                                 f"{', '.join(values)}")
            if values[knob] is None:  # a knob that is off stays off
                continue
            if isinstance(values[knob], int):
                if not float(delta).is_integer():
                    raise ValueError(f"{knob} counts turns: adjust it by a whole number, "
                                     f"not {delta}")
                values[knob] += int(delta)
            else:
                values[knob] += delta
        try:
            return Difficulty.model_validate(values)
        except ValidationError as e:
            first = e.errors()[0]
            raise ValueError(f"{_loc(first['loc'])} would be {first['input']}: {first['msg']}") \
                from e


class Difficulty(_Model):
    """Knobs the transitions refer to by name (e.g. `min_firm: firm_to_win`)."""

    firm_to_win: int = Field(ge=1, description="firm turns it takes to win")
    max_caves: int = Field(ge=1, description="caves before the prospect takes the deal")
    escalation_step: float = Field(ge=0, description="how far the demand moves after a cave")
    patience: int = Field(ge=1, description="unproductive turns before the prospect gives up")
    silence_limit: int = Field(default=3, ge=1, description="silences in a row before hanging up")
    walk_respect: int = Field(
        default=1, ge=0, description="firm turns needed before a walk-away brings them back"
    )
    cut_in_after_s: float | None = Field(
        default=None, ge=5, description="seconds of one unbroken rep turn after which the "
        "prospect cuts in (None: never)"
    )


class Transition(_Model):
    to: str
    min_firm: int | str | None = None
    min_caves: int | str | None = None
    max_caves: int | str | None = None
    conditional: bool | None = None  # only when the concession was (not) a trade


class State(_Model):
    lines: list[str] = Field(min_length=1)
    on: dict[str, list[Transition]] = Field(default_factory=dict)
    end: bool = False
    # an end state's outcome; on any other state, the outcome if the call ends right after one
    # of its lines (the prospect has agreed: "forty-five minutes Thursday at noon")
    outcome: Outcome | None = None
    # The prospect has offered what the rep wanted: a plain "okay" here is no concession.
    fair_offer: bool = False
    # what the prospect says when it cuts into a rep who talks too long in this state;
    # none: the scenario's cut_in_lines
    cut_in_lines: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _yaml_on_key(cls, v: object) -> object:
        # YAML 1.1 reads a bare `on:` key as the boolean True; authors mean the field "on".
        if isinstance(v, dict) and True in v:
            v = dict(v)
            v["on"] = v.pop(True)
        return v

    @field_validator("on", mode="before")
    @classmethod
    def _targets_as_lists(cls, v: object) -> object:
        # Authors may write `concede: squeeze` as shorthand for `concede: [{to: squeeze}]`.
        if isinstance(v, dict):
            return {k: [{"to": t}] if isinstance(t, str) else t for k, t in v.items()}
        return v


class Demand(_Model):
    """What the prospect is fishing for; {demand} in lines starts at `start`."""

    kind: ConcessionKind
    start: float | None = None
    unit: str | None = None
    direction: Literal["up", "down"] = "up"  # price demands grow; offered minutes shrink
    limit: float | None = None  # the demand never passes this


class Scenario(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    brief: str
    # one is drawn per call, fixed by the seed (docs/scenarios.md, "Personas")
    personas: list[Persona] = Field(min_length=1)
    rep_goal: str
    wait_for_rep_s: float = Field(default=6, gt=0)
    turn_limit: int = Field(default=12, ge=1)
    time_limit_s: float = Field(default=600, gt=0)
    needed_minutes: float = 45
    demand: Demand
    firm_moves: list[MoveKind] = Field(
        default_factory=lambda: [MoveKind.HOLD_FIRM, MoveKind.STATE_VALUE]
    )
    difficulties: dict[Literal["easy", "normal", "hard"], Difficulty]
    start: str = "opening"
    states: dict[str, State] = Field(min_length=1)
    # a clear turn the prospect could not place: a buyer's "what do you mean?" (docs/moves.md)
    unclear_lines: list[str] = Field(min_length=1)
    # only when the caller says the audio was poor (too short, quiet or uncertain)
    poor_audio_lines: list[str] = Field(
        default_factory=lambda: ["Sorry, you cut out there. Say that again?",
                                 "The line broke up. What did you say?"], min_length=1
    )
    silence_lines: list[str] = Field(min_length=1)
    hangup_lines: list[str] = Field(min_length=1)  # after too many silences
    # what the prospect murmurs into the rep's pauses; non-committal, since the rep may go on
    acknowledgements: list[str] = Field(
        default_factory=lambda: ["Mm.", "Right.", "Uh-huh.", "Hm."], min_length=1
    )
    impatient_lines: list[str] = Field(min_length=1)  # after too many unproductive turns
    limit_lines: list[str] = Field(min_length=1)  # out of turns or time
    # the prospect stops a rep who talks past the difficulty's cut_in_after_s
    cut_in_lines: list[str] = Field(
        default_factory=lambda: ["Let me stop you there. What are you actually offering?",
                                 "Sorry to jump in. Can you give me the short version?"],
        min_length=1,
    )
    # firm lines the scorecard suggests instead of a give-away, by kind and tactic
    # (docs/coaching.md); kinds or tactics left out fall back to the rubric's generic lines
    coaching: dict[str, dict[str, list[str]]] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _one_persona(cls, v: object) -> object:
        # A file from before personas has one `persona`; it is the list of one.
        if isinstance(v, dict) and "persona" in v and "personas" not in v:
            v = dict(v)
            v["personas"] = [v.pop("persona")]
        return v

    @field_validator("coaching")
    @classmethod
    def _coaching_valid(cls, v: dict[str, dict[str, list[str]]]) -> dict:
        parse_coaching(v)  # CoachingError names the kind, tactic and line
        return v

    def coaching_lines(self) -> CoachingLines:
        """The scenario's coaching block, ready for `build_scorecard(coaching=...)`."""
        return parse_coaching(self.coaching)

    @property
    def people(self) -> tuple[str, ...]:
        """Every persona's name: whom a rep may address on a call of this scenario."""
        return tuple(p.name for p in self.personas)

    def difficulty(self, name: str) -> Difficulty:
        """The knobs for `name`; ValueError for an unknown difficulty."""
        if name not in self.difficulties:
            raise ValueError(f"unknown difficulty {name!r}; choose one of {', '.join(DIFFICULTIES)}")
        return self.difficulties[name]  # type: ignore[index]


def _check_references(s: Scenario, path: Path) -> None:
    """Cross-field checks pydantic cannot express: targets, keys, knob names, end states."""
    missing = [d for d in DIFFICULTIES if d not in s.difficulties]
    if missing:
        raise ScenarioFileError(path, "difficulties", f"missing {', '.join(missing)}")
    if s.start not in s.states:
        raise ScenarioFileError(path, "start", f"state {s.start!r} does not exist")
    if path.suffix in (".yaml", ".yml") and s.id != path.stem:
        raise ScenarioFileError(path, "id", f"{s.id!r} must match the file name {path.stem!r}")
    knobs = set(Difficulty.model_fields)
    moves = {m.value for m in MoveKind}
    if not any(st.end for st in s.states.values()):
        raise ScenarioFileError(path, "states", "no end state (a state with end: true)")
    names = [p.name for p in s.personas]
    for i, persona in enumerate(s.personas):
        if names.index(persona.name) != i:
            raise ScenarioFileError(path, f"personas[{i}].name", f"{persona.name!r} twice")
        for level, base in s.difficulties.items():
            try:
                persona.knobs(base)
            except ValueError as e:
                raise ScenarioFileError(path, f"personas[{i}].adjust", f"on {level}: {e}") from e
    for name, st in s.states.items():
        where = f"states.{name}"
        if st.end and st.outcome is None:
            raise ScenarioFileError(path, f"{where}.outcome", "an end state needs an outcome")
        if not st.end and not st.on:
            raise ScenarioFileError(path, f"{where}.on", "a state that is not an end needs transitions")
        for key, options in st.on.items():
            if key not in moves and key not in GROUP_KEYS:
                raise ScenarioFileError(
                    path, f"{where}.on.{key}", f"not a move kind (one of {', '.join(sorted(moves))}"
                    f", or {' / '.join(GROUP_KEYS)})"
                )
            for i, t in enumerate(options):
                here = f"{where}.on.{key}[{i}]"
                if t.to not in s.states:
                    raise ScenarioFileError(path, f"{here}.to", f"state {t.to!r} does not exist")
                for guard in ("min_firm", "min_caves", "max_caves"):
                    value = getattr(t, guard)
                    if isinstance(value, str) and value not in knobs:
                        raise ScenarioFileError(
                            path, f"{here}.{guard}", f"{value!r} is not a difficulty knob"
                        )


def line_fields(line: str) -> set[str]:
    """The placeholders a line uses; ValueError for bad braces."""
    return {n for _, n, _, _ in string.Formatter().parse(line) if n is not None}


def line_groups(s: Scenario) -> list[tuple[str, list[str], Outcome | None]]:
    """Every group of prospect lines: where it is, its lines, the outcome after one of them."""
    groups: list[tuple[str, list[str], Outcome | None]] = [
        (f"states.{n}.lines", st.lines, st.outcome) for n, st in s.states.items()]
    groups += [(f"states.{n}.cut_in_lines", st.cut_in_lines, st.outcome)
               for n, st in s.states.items() if st.cut_in_lines]
    groups += [(f, getattr(s, f), ENDING_OUTCOMES.get(f)) for f in (
        "unclear_lines", "poor_audio_lines", "silence_lines", "hangup_lines", "impatient_lines",
        "limit_lines", "cut_in_lines")]
    return groups


def _check_lines(s: Scenario, path: Path) -> None:
    optional = OPTIONAL_FIELDS | ({"demand"} if s.demand.start is None else set())
    for where, lines, outcome in line_groups(s):
        free = 0
        for i, line in enumerate(lines):
            try:
                names = line_fields(line)
            except ValueError as e:
                raise ScenarioFileError(path, f"{where}[{i}]", f"bad braces: {e}") from e
            unknown = names - LINE_FIELDS
            if unknown:
                raise ScenarioFileError(
                    path, f"{where}[{i}]", f"unknown placeholder {{{sorted(unknown)[0]}}}; "
                    f"use one of {', '.join(sorted(LINE_FIELDS))}"
                )
            free += not names & optional
            meaning = read_meaning(line)
            if not fits(meaning, outcome):
                raise ScenarioFileError(
                    path, f"{where}[{i}]", f"the line {meaning} but the call would end "
                    f"{outcome or 'undecided'} after it; move it, or give its state the outcome "
                    "its words say"
                )
        if not free:
            raise ScenarioFileError(
                path, where, f"needs a line without {{{'}, {'.join(sorted(optional))}}} for a "
                "turn that gave none of them"
            )


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_scenario(path: Path | str) -> Scenario:
    """Parse and validate one scenario file; ScenarioFileError names the file and field."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ScenarioFileError(path, "", f"cannot read: {e.strerror or e}") from e
    except yaml.YAMLError as e:
        raise ScenarioFileError(path, "", f"not valid YAML: {e}") from e
    return parse_scenario(raw, path)


def parse_scenario(raw: object, source: Path | str) -> Scenario:
    """Validate one scenario's fields (from a file or the database); ScenarioFileError names
    `source` and the first offending field."""
    path = Path(source)
    if not isinstance(raw, dict):
        raise ScenarioFileError(path, "", "expected a mapping of fields at the top level")
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as e:
        first = e.errors()[0]
        more = f" (and {e.error_count() - 1} more)" if e.error_count() > 1 else ""
        raise ScenarioFileError(path, _loc(first["loc"]), first["msg"] + more) from e
    _check_references(scenario, path)
    _check_lines(scenario, path)
    return scenario


@dataclass(frozen=True)
class ScenarioCatalog:
    """The valid scenarios of a directory plus an error for each file that was rejected."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)
    errors: tuple[ScenarioFileError, ...] = ()

    def get(self, scenario_id: str) -> Scenario:
        """The scenario with this id; UnknownScenarioError otherwise."""
        try:
            return self.scenarios[scenario_id]
        except KeyError:
            raise UnknownScenarioError(scenario_id, self.ids()) from None

    def ids(self) -> list[str]:
        return sorted(self.scenarios)

    def __contains__(self, scenario_id: object) -> bool:
        return scenario_id in self.scenarios

    def __iter__(self) -> Iterator[Scenario]:
        return iter(self.scenarios[i] for i in self.ids())

    def __len__(self) -> int:
        return len(self.scenarios)


def load_scenarios(directory: Path | str) -> ScenarioCatalog:
    """Every *.yaml / *.yml scenario in `directory`; bad files become errors, not exceptions."""
    directory = Path(directory)
    good: dict[str, Scenario] = {}
    errors: list[ScenarioFileError] = []
    if not directory.is_dir():
        err = ScenarioFileError(directory, "", "scenario directory does not exist")
        return ScenarioCatalog({}, (err,))
    for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
        try:
            s = load_scenario(path)
        except ScenarioFileError as e:
            errors.append(e)
            continue
        if s.id in good:
            errors.append(ScenarioFileError(path, "id", f"duplicate scenario id {s.id!r}"))
            continue
        good[s.id] = s
    return ScenarioCatalog(good, tuple(errors))


BUILTIN_DIR = Path(__file__).parent / "scenarios"


def builtin_catalog() -> ScenarioCatalog:
    """The scenarios shipped in the package (dialog/scenarios/)."""
    return load_scenarios(BUILTIN_DIR)
