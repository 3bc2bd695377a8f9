"""Turns and a scorecard for a call its server never finished, rebuilt from its stored events.

A call whose server died, or stopped while it was live, is closed `interrupted` by whoever
finds it (server/storage/recorder.py). Its `transcript` and `prospect` events were stored as
it ran (docs/protocol.md); from them this module rebuilds the call's turns, as the session
kept them, and scores what was heard, without the rep's audio (docs/scorecard.md). Pure
functions over `StoredEvent`s: no I/O.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from dialog.scenario import Scenario
from scoring.scorecard import build_scorecard
from scoring.turns import Speaker, Turn, Word
from server.protocol import (
    ProspectAudioEndEvent,
    ProspectEvent,
    ReadyEvent,
    StopAudioEvent,
    TranscriptEvent,
)
from server.storage.repository import StoredEvent

_LOGGER = logging.getLogger(__name__)

# The app's scenario catalog, as storage may see it: the scenario of an id, None if unknown.
ScenarioLookup = Callable[[str], Scenario | None]
M = TypeVar("M", bound=BaseModel)
OUTCOME = "no_decision"  # nobody decided: the call stopped with its server


@dataclass(frozen=True)
class Salvaged:
    """What a call's events give back: its turns and, when the rep was heard, a scorecard."""

    turns: tuple[Turn, ...]
    scorecard: dict[str, Any] | None


def _parsed(model: type[M], event: StoredEvent) -> M | None:
    """The event as `model`, or None (logged) when a stored row does not fit it."""
    try:
        return model.model_validate(event.data)
    except ValidationError as err:
        _LOGGER.warning("event %d (%s) left out of the rebuilt turns: %s", event.seq,
                        event.data.get("type"), err.errors()[0]["msg"])
        return None


def _of_type(model: type[M], events: Sequence[StoredEvent]) -> list[tuple[StoredEvent, M]]:
    """The events of `model`'s type that fit it, each with its stored row."""
    kind = model.model_fields["type"].default
    found = []
    for event in events:
        if event.data.get("type") == kind and (parsed := _parsed(model, event)) is not None:
            found.append((event, parsed))
    return found


def rep_turns(events: Sequence[StoredEvent]) -> list[Turn]:
    """The rep's turns, one per `transcript` event (the last one stored for a turn wins)."""
    turns: dict[int, Turn] = {}
    for _, said in _of_type(TranscriptEvent, events):
        words = tuple(Word(str(w.get("text", "")), float(w.get("start", said.start)),
                           float(w.get("end", said.end)), float(w.get("probability", 1.0)))
                      for w in said.words)
        turns[said.turn] = Turn(said.turn, Speaker.REP, said.text, said.start, said.end,
                                words, said.cut)
    return list(turns.values())


def prospect_turns(events: Sequence[StoredEvent]) -> list[Turn]:
    """The prospect's lines: each starts where its `prospect` event was stored, ends when its
    audio did (`prospect_audio_end`), and a `stop_audio` for it cuts it where the rep cut in."""
    lengths = {ended.turn: ended.duration for _, ended in _of_type(ProspectAudioEndEvent, events)}
    # the first stop of a line is where the rep cut in, as the session marks it
    stops: dict[int, float] = {}
    for event, stop in _of_type(StopAudioEvent, events):
        stops.setdefault(stop.turn, event.at)
    turns: dict[int, Turn] = {}
    for event, line in _of_type(ProspectEvent, events):
        start = event.at
        end = start + lengths[line.turn] if line.turn in lengths else None
        cut_at = stops.get(line.turn)
        if cut_at is not None:  # a line still being sent has no end yet: it ends at the cut
            end = cut_at if end is None else min(end, cut_at)
        turns[line.turn] = Turn(line.turn, Speaker.PROSPECT, line.text, start,
                                max(start, end if end is not None else start),
                                cut=cut_at is not None)
    return list(turns.values())


def rebuild_turns(events: Sequence[StoredEvent]) -> list[Turn]:
    """Every turn the events record, in time order (rep and prospect share one count)."""
    return sorted(rep_turns(events) + prospect_turns(events), key=lambda t: (t.start, t.index))


def salvage_call(call_id: str, scenario_id: str | None, events: Sequence[StoredEvent],
                 scenario: Scenario | None) -> Salvaged:
    """The call's turns and a `no_decision` scorecard of them; no scorecard when no rep turn
    was stored. Without the scenario, build_scorecard's default coaching and minutes."""
    turns = rebuild_turns(events)
    if not any(t.speaker is Speaker.REP for t in turns):
        return Salvaged(tuple(turns), None)
    ready = _of_type(ReadyEvent, events)
    met = ready[0][1].persona if ready else None
    # the persona met, else whoever the scenario's rep might have met
    people = (met.name,) if met is not None else scenario.people if scenario is not None else ()
    extra: dict[str, Any] = {"people": people}
    if scenario is not None:
        extra |= {"coaching": scenario.coaching_lines(), "needed_minutes": scenario.needed_minutes}
    states = {line.turn: line.state for _, line in _of_type(ProspectEvent, events)}
    scorecard = build_scorecard(call_id=call_id, scenario=scenario_id, outcome=OUTCOME,
                                turns=turns, rep_audio=None, prospect_states=states, **extra)
    if met is not None:  # who the rep talked to, as at hang-up
        scorecard["persona"] = met.model_dump()
    return Salvaged(tuple(turns), scorecard)
