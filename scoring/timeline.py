"""Replay markers: every concession, filler cluster, long pause and interruption the
scorecard counts, in time order, with labels a manager reads at a glance (docs/coaching.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise
from typing import Any

import numpy as np

from scoring import prosody
from scoring.fillers import FillerEvent
from scoring.metrics import Interruption, cut_ins
from scoring.moves import TurnConcession
from scoring.rewrite import quote_moment
from scoring.turns import Speaker, Turn

CLUSTER_WINDOW_S = 4.0  # fillers this close together read as one stumble
CLUSTER_MIN = 2
SLOW_ANSWER_S = 2.5  # silence before the rep answers the prospect

KIND_LABELS = {
    "price": "price", "time": "meeting time", "info": "information", "scope": "free extra",
}


class MarkerKind(StrEnum):
    CONCESSION = "concession"
    FILLERS = "fillers"
    PAUSE = "pause"
    INTERRUPTION = "interruption"
    CUT_IN = "cut_in"


@dataclass(frozen=True)
class Marker:
    kind: MarkerKind
    start: float
    end: float
    label: str
    turn: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": str(self.kind), "start": round(self.start, 3), "end": round(self.end, 3),
                "label": self.label, "turn": self.turn}


def concession_markers(
    turns: Sequence[Turn], concessions: Sequence[TurnConcession]
) -> list[Marker]:
    by_index = {t.index: t for t in turns}
    out = []
    for c in concessions:
        turn = by_index.get(c.turn)
        said, start, end = quote_moment(turn, c.quote) if turn else (c.quote, c.start, c.end)
        how = "traded" if c.conditional else "given away"
        label = f"{KIND_LABELS.get(c.kind, c.kind)} concession, {how}: \u201c{said}\u201d"
        out.append(Marker(MarkerKind.CONCESSION, start, end, label, c.turn))
    return out


def filler_markers(events: Sequence[FillerEvent]) -> list[Marker]:
    """Fillers within `CLUSTER_WINDOW_S` of each other, `CLUSTER_MIN` or more: one stumble."""
    out: list[Marker] = []
    group: list[FillerEvent] = []

    def close() -> None:
        if len(group) >= CLUSTER_MIN:
            words = ", ".join(e.word for e in group)
            out.append(Marker(MarkerKind.FILLERS, group[0].start, group[-1].end,
                              f"{len(group)} fillers: {words}", group[0].turn))

    for event in sorted(events, key=lambda e: e.start):
        if group and event.start - group[-1].start > CLUSTER_WINDOW_S:
            close()
            group = []
        group.append(event)
    close()
    return out


def _audio_pauses(
    rep: Sequence[Turn], audio: np.ndarray, sr: int
) -> list[tuple[int, float, float]]:
    """(turn, start, end) of the silences the confidence score counts as long pauses."""
    x = prosody.as_mono_float(audio)
    threshold = prosody.activity_threshold(prosody.frame_db(x, sr))
    out = []
    for t in rep:
        a, b = max(0, int(t.start * sr)), min(len(x), int(t.end * sr))
        if b - a < 2 * int(sr * prosody.FRAME_S):
            continue
        voiced = prosody.voice_activity(prosody.frame_db(x[a:b], sr), threshold)
        for s, e in prosody.inner_pauses(voiced):
            if e - s >= prosody.LONG_PAUSE_S:
                out.append((t.index, t.start + s, t.start + e))
    return out


def _word_pauses(rep: Sequence[Turn]) -> list[tuple[int, float, float]]:
    return [(t.index, a.end, b.start) for t in rep for a, b in pairwise(t.words)
            if b.start - a.end >= prosody.LONG_PAUSE_S]


def pause_markers(turns: Sequence[Turn], rep_audio: np.ndarray | None = None,
                  sample_rate: int = 16000) -> list[Marker]:
    """Long silences inside a rep turn (from the audio when there is some, else between
    words) and slow answers to the prospect."""
    ordered = sorted(turns, key=lambda t: (t.start, t.index))
    rep = [t for t in ordered if t.speaker == Speaker.REP]
    inner = (_audio_pauses(rep, rep_audio, sample_rate)
             if rep_audio is not None and sample_rate > 0 else _word_pauses(rep))
    out = [Marker(MarkerKind.PAUSE, s, e, f"{e - s:.1f} s pause mid-answer", i)
           for i, s, e in inner]
    for before, turn in pairwise(ordered):
        gap = turn.start - before.end
        answer = before.speaker == Speaker.PROSPECT and turn.speaker == Speaker.REP
        if answer and gap >= SLOW_ANSWER_S:
            out.append(Marker(MarkerKind.PAUSE, before.end, turn.start,
                              f"{gap:.1f} s before answering", turn.index))
    return out


def interruption_markers(turns: Sequence[Turn], found: Sequence[Interruption]) -> list[Marker]:
    by_index = {t.index: t for t in turns}
    out = []
    for i in found:
        cut = by_index.get(i.prospect_turn)
        end = cut.end if cut is not None else i.at
        label = ("talked over the prospect" if i.overlap > 0 else "cut the prospect off") + (
            f": \u201c{cut.text.strip()}\u201d" if cut is not None and cut.text.strip() else "")
        out.append(Marker(MarkerKind.INTERRUPTION, min(i.at, end), max(i.at, end), label,
                          i.rep_turn))
    return out


def cut_in_markers(turns: Sequence[Turn]) -> list[Marker]:
    """Where the prospect stopped a rep who talked too long, with what it said."""
    by_index = {t.index: t for t in turns}
    out = []
    for c in cut_ins(turns):
        line = by_index.get(c.prospect_turn) if c.prospect_turn is not None else None
        said = f": \u201c{line.text.strip()}\u201d" if line is not None and line.text.strip() else ""
        end = line.start if line is not None else c.at
        out.append(Marker(MarkerKind.CUT_IN, c.at, max(c.at, end),
                          f"the prospect cut in after {c.talked:.0f} s of talk{said}", c.rep_turn))
    return out


def markers(
    turns: Sequence[Turn],
    concessions: Sequence[TurnConcession],
    fillers: Sequence[FillerEvent],
    interruptions: Sequence[Interruption],
    rep_audio: np.ndarray | None = None,
    sample_rate: int = 16000,
) -> list[Marker]:
    """Every marker, in time order."""
    found = (concession_markers(turns, concessions) + filler_markers(fillers)
             + pause_markers(turns, rep_audio, sample_rate)
             + interruption_markers(turns, interruptions) + cut_in_markers(turns))
    return sorted(found, key=lambda m: (m.start, str(m.kind)))
