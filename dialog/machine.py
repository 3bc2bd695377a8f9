"""The prospect: a state machine driven by the rep's moves and a scenario file.

Counters carry what the scenario's guards need: firm turns (holding or giving value), caves
(any concession), stalls (turns with nothing in them) and silences. After a cave the prospect's
demand moves by the difficulty's `escalation_step` ("if you can do ten, you can do fifteen").
"""

from __future__ import annotations

import copy
import random
import re
from dataclasses import dataclass

from scoring.rep_moves import Move, MoveKind, classify
from dialog.outcomes import Outcome
from dialog.scenario import (ENDING_OUTCOMES, Difficulty, Persona, Scenario, Transition,
                             line_fields)
from dialog.slots import REP_SLOTS, RepSlots, read_slots
from dialog.speech import AudioQuality, say_number
from scoring.canonical import strip_fillers
from scoring.concessions import Concession
from scoring.restated import is_restated

__all__ = ["AudioQuality", "CallOverError", "Outcome", "Prospect", "ProspectLine", "draw_persona",
           "heard_phrase"]

# Which move decides the transition when a turn has several: giving something away outweighs
# the firm words around it ("I can't go lower, but I'll throw in training" is a cave), even a
# threat to walk ("we may not be a fit, but I can do ten percent"), as the labels rank them
# (docs/moves.md).
_PRIMARY_ORDER = (
    MoveKind.CONCEDE, MoveKind.WALK_AWAY, MoveKind.HOLD_FIRM, MoveKind.PROPOSE_NEXT_STEP,
    MoveKind.STATE_VALUE, MoveKind.ASK_QUESTION, MoveKind.APOLOGISE, MoveKind.SMALL_TALK,
    MoveKind.UNCLEAR,
)
_STALL_MOVES = {MoveKind.SMALL_TALK, MoveKind.APOLOGISE}


def heard_phrase(rep_text: str, words: int = 5) -> str:
    """The last few words the rep said, fillers dropped, for "'{heard}'? Meaning what?"."""
    last = [s for s in re.split(r"[.!?]+", strip_fillers(rep_text.lower())) if s.strip()]
    if not last:
        return ""
    tokens = re.findall(r"[\w'%$-]+", last[-1])
    return " ".join(tokens[-words:])


class CallOverError(RuntimeError):
    """The call has ended; the prospect says nothing more."""


@dataclass(frozen=True)
class ProspectLine:
    """What the prospect says next, the state it is in, and the rep moves that led there."""

    text: str
    state: str
    ends_call: bool
    moves: tuple[Move, ...] = ()
    cut_in: bool = False  # said over a rep who talked past the difficulty's cut_in_after_s


def draw_persona(scenario: Scenario, seed: int, name: str | None = None) -> Persona:
    """The persona a call with this seed meets, or the one called `name` (ValueError if none)."""
    if name is None:
        # its own draw, so adding a persona does not change the lines a seed gives
        return random.Random(f"persona:{seed}").choice(scenario.personas)
    for persona in scenario.personas:
        if persona.name == name:
            return persona
    known = ", ".join(p.name for p in scenario.personas)
    raise ValueError(f"no persona {name!r} in {scenario.id}; choose one of {known}")


class Prospect:
    """One simulated prospect for one call; deterministic for a (scenario, difficulty, seed).

    The seed draws the persona too, unless `persona` names one (a moment practised again
    meets the prospect it came from).
    """

    def __init__(self, scenario: Scenario, difficulty: str = "normal", seed: int = 0,
                 persona: str | None = None) -> None:
        self.scenario = scenario
        self.difficulty_name = difficulty
        self.persona = draw_persona(scenario, seed, persona)
        self._knobs: Difficulty = self.persona.knobs(scenario.difficulty(difficulty))
        self._rng = random.Random(seed)
        # its own draws: how many pauses a rep leaves must not change the prospect's lines
        self._ack_rng = random.Random(seed + 1)
        self._state = scenario.start
        self._outcome: Outcome | None = None
        self._opening: ProspectLine | None = None
        self._last_line: dict[str, str] = {}
        # every line said this call, so none is said twice (docs/scenarios.md)
        self._said: set[str] = set()
        self._slots = RepSlots()
        self._firm = 0
        self._caves = 0
        self._stalls = 0
        self._silences = 0
        self._turns = 0
        self._demand = scenario.demand.start
        self._offered: float | None = None
        self._concessions: list[Concession] = []

    # --- public surface ---------------------------------------------------------------------

    @property
    def state(self) -> str:
        return self._state

    @property
    def outcome(self) -> Outcome | None:
        """How the call stands after the prospect's last line: the end it reached, else the
        standing outcome of its state (it agreed, and the rep may hang up), else None."""
        if self._outcome is not None:
            return self._outcome
        standing = self.scenario.states[self._state].outcome
        return None if standing is None else self._counted(standing)

    @property
    def finished(self) -> bool:
        return self._outcome is not None

    @property
    def wait_for_rep_s(self) -> float:
        return self.scenario.wait_for_rep_s

    @property
    def cut_in_after_s(self) -> float | None:
        """Seconds of one unbroken rep turn after which this prospect cuts in; None: never."""
        return self._knobs.cut_in_after_s

    @property
    def demand(self) -> float | None:
        """The prospect's current ask (percent off, minutes offered, ...), if numeric."""
        return self._demand

    @property
    def concessions(self) -> tuple[Concession, ...]:
        """Concessions the rep has made so far, in order."""
        return tuple(self._concessions)

    @property
    def turns(self) -> int:
        return self._turns

    def opening(self) -> ProspectLine:
        """The prospect's first line; the same line if asked again."""
        if self._opening is None:
            self._opening = ProspectLine(self._say(self._state), self._state, False)
        return self._opening

    def open_at(self, state: str, line: str, offered: float | None = None) -> ProspectLine:
        """Open in `state` with `line`, to practise one moment again (docs/protocol.md);
        `offered` is what the rep had given by then. Raises ValueError for a state the
        scenario lacks or one that ends the call."""
        known = self.scenario.states.get(state)
        if known is None or known.end:
            playable = ", ".join(k for k, s in self.scenario.states.items() if not s.end)
            raise ValueError(f"no state {state!r} to practise in {self.scenario.id}; "
                             f"choose one of {playable}")
        if offered is not None:  # the demand moves on from it, as after that give-away
            demand = self.scenario.demand
            given = Concession(demand.kind, False, offered, demand.unit, line)
            self._record_cave([Move(MoveKind.CONCEDE, given)])
        self._state = state
        self._opening = ProspectLine(line, state, False)
        return self._opening

    def acknowledgement(self) -> str:
        """A murmur for a pause in the rep's turn ("Mm."); commits the prospect to nothing.
        Murmurs may come again: they are not lines, and a rep may pause often."""
        options = [ln for ln in self.scenario.acknowledgements
                   if ln != self._last_line.get("_ack")] or self.scenario.acknowledgements
        line = self._ack_rng.choice(options)
        self._last_line["_ack"] = line
        return line

    def preview(self, rep_text: str, at: float, *,
                audio: AudioQuality | None = None) -> ProspectLine | None:
        """The line `respond` would say to `rep_text` now, leaving this prospect unchanged
        (None once the call is over): its audio can be made while the rep may still go on."""
        if self.finished:
            return None
        return self.copy().respond(rep_text, at, audio=audio)

    def copy(self) -> Prospect:
        """An independent copy of this prospect as it is now: its state, draws and memory
        (the scenario, read-only, is shared). A call keeps one to take an answer back."""
        return copy.deepcopy(self, memo={id(self.scenario): self.scenario})

    def respond(
        self, rep_text: str, at: float, *, audio: AudioQuality | None = None,
        cut_in: bool = False,
    ) -> ProspectLine:
        """React to one rep turn; `at` is seconds since the call started.

        `audio` is how the turn sounded (measured by the caller): only a poor one makes the
        prospect say it could not hear ("you cut out"); a clear turn it cannot place gets a
        buyer's "what do you mean?" that keeps the pressure on. `cut_in`: the rep was still
        talking past `cut_in_after_s` and the prospect stops them (`_cut_in`).
        """
        if cut_in:
            return self._cut_in(rep_text, at)
        self._check_open()
        self._silences = 0
        self._slots = RepSlots()
        if audio is not None and audio.poor:
            return self._stall((Move(MoveKind.UNCLEAR),), self.scenario.poor_audio_lines, rep_text)
        fair = self.scenario.states[self._state].fair_offer
        # Saying yes to what the rep asked for is no cave; a real give-away still is.
        asked = None if fair else self.scenario.demand.kind
        moves = tuple(classify(rep_text, needed_minutes=self.scenario.needed_minutes, asked=asked,
                               people=(self.persona.name,)))
        found = {m.kind for m in moves}
        if found == {MoveKind.UNCLEAR}:
            return self._stall(moves, self.scenario.unclear_lines, rep_text)
        self._turns += 1
        self._slots = read_slots(rep_text, moves)
        primary = next(k for k in _PRIMARY_ORDER if k in found)
        concede = [m for m in moves if m.kind is MoveKind.CONCEDE]
        caves = [m for m in concede if m.concession is not None] if fair else concede
        if caves:
            self._record_cave(caves)
        elif not concede and primary in self.scenario.firm_moves:
            self._firm += 1
        if primary in _STALL_MOVES and not concede:
            self._stalls += 1
            if self._stalls >= self._knobs.patience:
                return self._end_with("impatient_lines", moves)
        transition = self._pick(primary, concede[0] if concede else None)
        if transition is not None:
            self._state = transition.to
        state = self.scenario.states[self._state]
        if state.end:
            assert state.outcome is not None  # guaranteed by scenario validation
            return self._finish(self._say(self._state), state.outcome, moves)
        if self._turns >= self.scenario.turn_limit or at >= self.scenario.time_limit_s:
            return self._end_with("limit_lines", moves)
        return ProspectLine(self._say(self._state), self._state, False, moves)

    def silence(self, at: float) -> ProspectLine:
        """The rep said nothing for `wait_for_rep_s`; too many silences in a row hang up."""
        self._check_open()
        self._silences += 1
        self._slots = RepSlots()
        if self._silences >= self._knobs.silence_limit:
            return self._end_with("hangup_lines", ())
        if at >= self.scenario.time_limit_s:
            return self._end_with("limit_lines", ())
        return ProspectLine(self._render(self._pick_line("_silence", self.scenario.silence_lines)),
                            self._state, False)

    # --- internals --------------------------------------------------------------------------

    def _cut_in(self, rep_text: str, at: float) -> ProspectLine:
        """Stop a rep who has talked too long: what was said so far is heard, but a monologue
        makes no point (no firm turn) and tries the prospect's patience (a stall); a give-away
        in it is taken at once, as any cave is."""
        self._check_open()
        self._silences = 0
        self._turns += 1
        fair = self.scenario.states[self._state].fair_offer
        moves = tuple(classify(rep_text, needed_minutes=self.scenario.needed_minutes,
                               asked=None if fair else self.scenario.demand.kind,
                               people=(self.persona.name,)))
        self._slots = read_slots(rep_text, moves)
        concede = [m for m in moves if m.kind is MoveKind.CONCEDE]
        caves = [m for m in concede if m.concession is not None] if fair else concede
        if caves:
            self._record_cave(caves)
            transition = self._pick(MoveKind.CONCEDE, concede[0])
            if transition is not None and transition.to != self._state:
                self._state = transition.to
                state = self.scenario.states[self._state]
                if state.end:
                    assert state.outcome is not None  # guaranteed by scenario validation
                    return self._finish(self._say(self._state), state.outcome, moves, True)
                return ProspectLine(self._say(self._state), self._state, False, moves, True)
        self._stalls += 1
        if self._stalls >= self._knobs.patience:
            return self._end_with("impatient_lines", moves, cut_in=True)
        if self._turns >= self.scenario.turn_limit or at >= self.scenario.time_limit_s:
            return self._end_with("limit_lines", moves, cut_in=True)
        lines = self.scenario.states[self._state].cut_in_lines or self.scenario.cut_in_lines
        line = self._render(self._pick_line(f"_cut_in:{self._state}", lines))
        return ProspectLine(line, self._state, False, moves, True)

    def _check_open(self) -> None:
        if self.finished:
            raise CallOverError(f"the call ended with outcome {self._outcome}")

    def _stall(self, moves: tuple[Move, ...], lines: list[str], rep_text: str) -> ProspectLine:
        # Not understood: ask again without moving, but a prospect's patience is finite.
        self._stalls += 1
        if self._stalls >= self._knobs.patience + 1:
            return self._end_with("impatient_lines", moves)
        line = self._pick_line("_unclear", lines, rep_text=rep_text)
        return ProspectLine(self._render(line, rep_text), self._state, False, moves)

    def _empty_fields(self, rep_text: str) -> set[str]:
        """Placeholders with nothing to fill in right now."""
        empty = {"heard"} if not heard_phrase(rep_text) else set()
        if self._demand is None:
            empty.add("demand")
        if self._offered is None:
            empty.add("offered")
        empty |= {name for name, value in self._slots.values().items() if not value}
        return empty

    def _record_cave(self, concede: list[Move]) -> None:
        demand = self.scenario.demand
        # Giving in again counts as a cave; the same give-away said again is not a second
        # concession (scoring/restated.py).
        self._caves += 1
        given = [m.concession for m in concede if m.concession is not None]
        self._concessions.extend(c for c in given if not is_restated(c, self._concessions))
        same_kind = [c for c in given if c.kind is demand.kind]
        if same_kind:
            # "Okay, deal" names no figure: it gives in to what was on the table.
            amount = same_kind[0].amount
            self._offered = amount if amount is not None else self._demand
        if self._offered is not None and self._demand is not None:
            step = self._knobs.escalation_step
            nxt = self._offered + step if demand.direction == "up" else self._offered - step
            if demand.limit is not None:
                nxt = min(nxt, demand.limit) if demand.direction == "up" else max(nxt, demand.limit)
            self._demand = nxt

    def _knob(self, value: int | str | None) -> int | None:
        if value is None or isinstance(value, int):
            return value
        return int(getattr(self._knobs, value))

    def _passes(self, t: Transition, concession: Move | None) -> bool:
        lo_firm, lo_caves, hi_caves = self._knob(t.min_firm), self._knob(t.min_caves), self._knob(
            t.max_caves
        )
        if lo_firm is not None and self._firm < lo_firm:
            return False
        if lo_caves is not None and self._caves < lo_caves:
            return False
        if hi_caves is not None and self._caves > hi_caves:
            return False
        if t.conditional is not None:
            is_trade = bool(concession and concession.concession and concession.concession.conditional)
            if is_trade != t.conditional:
                return False
        return True

    def _pick(self, primary: MoveKind, concession: Move | None) -> Transition | None:
        on = self.scenario.states[self._state].on
        keys = [primary.value]
        if primary in self.scenario.firm_moves:
            keys.append("firm")
        keys.append("default")
        for key in keys:
            for t in on.get(key, []):
                if self._passes(t, concession):
                    return t
        return None

    def _end_with(self, group: str, moves: tuple[Move, ...], cut_in: bool = False) -> ProspectLine:
        line = self._render(self._pick_line("_end", getattr(self.scenario, group)))
        return self._finish(line, ENDING_OUTCOMES[group], moves, cut_in)

    def _counted(self, outcome: Outcome) -> Outcome:
        return (Outcome.WON_WITH_CONCESSIONS if outcome is Outcome.WON and self._concessions
                else outcome)

    def _finish(self, text: str, outcome: Outcome, moves: tuple[Move, ...],
                cut_in: bool = False) -> ProspectLine:
        self._outcome = self._counted(outcome)
        return ProspectLine(text, self._state, True, moves, cut_in)

    def _say(self, state: str) -> str:
        return self._render(self._pick_line(state, self.scenario.states[state].lines))

    def _pick_line(self, key: str, lines: list[str], rng: random.Random | None = None,
                   rep_text: str = "") -> str:
        """A line not yet said this call, likelier one that fills in what the rep just said;
        once a group is spent, any but its last line (docs/scenarios.md)."""
        empty = self._empty_fields(rep_text)
        usable = [ln for ln in lines if not line_fields(ln) & empty] or lines
        fresh = [ln for ln in usable if ln not in self._said]
        # lines that fill in what the rep said count twice: likelier, without crowding out
        # the rest (variety over calls matters as much)
        heard = [ln for ln in fresh if line_fields(ln) & set(REP_SLOTS)]
        options = (fresh + heard) or [ln for ln in usable if ln != self._last_line.get(key)] \
            or usable
        line = (rng or self._rng).choice(options)
        self._last_line[key] = line
        self._said.add(line)
        return line

    def _render(self, line: str, rep_text: str = "") -> str:
        p = self.persona
        values = {
            "name": p.name, "role": p.role, "company": p.company,
            "demand": say_number(self._demand) if self._demand is not None else "",
            "offered": say_number(self._offered) if self._offered is not None else "",
            "need": say_number(self.scenario.needed_minutes),
            "heard": heard_phrase(rep_text),
            **self._slots.values(),
        }
        text = line.format_map(values)
        # A sentence may start with a placeholder ("{offered} percent?"); speech wants a capital.
        return re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
