"""Timeline markers for the replay page, from a stored scorecard: where to look and listen."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from scoring.prosody import LONG_PAUSE_S

CLUSTER_WINDOW_S = 4.0  # fillers this close together read as one stumble
CLUSTER_MIN = 2
SLOW_ANSWER_S = 2.5  # silence before the rep answers the prospect


class MarkerKind(StrEnum):
    CONCESSION = "concession"
    FILLERS = "fillers"
    PAUSE = "pause"


@dataclass(frozen=True)
class Marker:
    kind: MarkerKind
    start: float
    end: float
    label: str
    turn: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "kind": str(self.kind)}


def _num(value: Any, default: float = 0.0) -> float:
    return float(value) if isinstance(value, int | float) else default


def concession_markers(scorecard: dict[str, Any]) -> list[Marker]:
    out = []
    for c in scorecard.get("concessions") or []:
        kind = c.get("kind", "concession")
        trade = "traded" if c.get("conditional") else "given away"
        quote = str(c.get("quote") or "").strip()
        label = f"{kind} concession, {trade}" + (f": \u201c{quote}\u201d" if quote else "")
        out.append(Marker(MarkerKind.CONCESSION, _num(c.get("start")), _num(c.get("end")),
                          label, c.get("turn")))
    return out


def filler_markers(scorecard: dict[str, Any]) -> list[Marker]:
    events = sorted((scorecard.get("fillers") or {}).get("events") or [],
                    key=lambda e: _num(e.get("start")))
    out: list[Marker] = []
    group: list[dict[str, Any]] = []

    def close() -> None:
        if len(group) >= CLUSTER_MIN:
            words = ", ".join(str(e.get("word")) for e in group)
            out.append(Marker(MarkerKind.FILLERS, _num(group[0].get("start")),
                              _num(group[-1].get("end")), f"{len(group)} fillers: {words}",
                              group[0].get("turn")))

    for event in events:
        if group and _num(event.get("start")) - _num(group[-1].get("start")) > CLUSTER_WINDOW_S:
            close()
            group = []
        group.append(event)
    close()
    return out


def pause_markers(turns: list[dict[str, Any]]) -> list[Marker]:
    """Long silences inside a rep turn (between words) and slow answers to the prospect."""
    out = []
    previous: dict[str, Any] | None = None
    for turn in sorted(turns, key=lambda t: _num(t.get("start"))):
        if turn.get("speaker") == "rep":
            words = turn.get("words") or []
            for a, b in zip(words, words[1:], strict=False):
                gap = _num(b.get("start")) - _num(a.get("end"))
                if gap >= LONG_PAUSE_S:
                    out.append(Marker(MarkerKind.PAUSE, _num(a.get("end")), _num(b.get("start")),
                                      f"{gap:.1f} s pause mid-answer", turn.get("index")))
            if previous is not None and previous.get("speaker") == "prospect":
                gap = _num(turn.get("start")) - _num(previous.get("end"))
                if gap >= SLOW_ANSWER_S:
                    out.append(Marker(MarkerKind.PAUSE, _num(previous.get("end")),
                                      _num(turn.get("start")), f"{gap:.1f} s before answering",
                                      turn.get("index")))
        previous = turn
    return out


def markers(scorecard: dict[str, Any] | None, turns: list[dict[str, Any]]) -> list[Marker]:
    """Every marker, in time order."""
    found = pause_markers(turns)
    if scorecard:
        found += concession_markers(scorecard) + filler_markers(scorecard)
    return sorted(found, key=lambda m: (m.start, str(m.kind)))
