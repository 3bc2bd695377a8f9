"""Conversation metrics from the turns alone: talk ratio, longest rep monologue,
questions the rep asked, interruptions, and the prospect cutting in on a rep who talked too long.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from scoring.hedges import HedgeKind, detect_hedges
from scoring.tokens import sentences, tokenize_turn
from scoring.turns import Speaker, Turn

BACKCHANNEL_S = 1.0  # prospect turns shorter than this ("mm-hm") don't break a monologue
_OPEN_STARTERS = frozenset("what how why which tell walk describe explain help talk".split())
_WH = frozenset("what how why which who where when".split())
_AUX = frozenset(
    """do does did is are was were can could would will should have has had may might
    shall isn't aren't don't doesn't didn't won't wouldn't can't couldn't""".split()
)


@dataclass(frozen=True)
class Question:
    turn: int
    text: str
    open: bool  # invites an explanation ("what/how/why..."), not a yes/no
    start: float
    end: float

    def to_dict(self) -> dict:
        return {
            "turn": self.turn,
            "text": self.text,
            "open": self.open,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
        }


@dataclass(frozen=True)
class Monologue:
    seconds: float
    start: float
    end: float
    turns: tuple[int, ...]

    def to_dict(self) -> dict:
        return {
            "seconds": round(self.seconds, 3),
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "turns": list(self.turns),
        }


@dataclass(frozen=True)
class Interruption:
    rep_turn: int
    prospect_turn: int
    at: float  # when the rep started talking
    overlap: float  # seconds of overlap with the prospect's turn (0 if only `cut`)

    def to_dict(self) -> dict:
        return {
            "rep_turn": self.rep_turn,
            "prospect_turn": self.prospect_turn,
            "at": round(self.at, 3),
            "overlap": round(self.overlap, 3),
        }


@dataclass(frozen=True)
class CutIn:
    """The prospect stopped a rep turn that ran too long (docs/scenarios.md, "Cutting in")."""

    rep_turn: int
    prospect_turn: int | None  # the line it cut in with; None when the call ended first
    at: float  # when the rep's turn was cut
    talked: float  # seconds of rep talk by then, counted as the longest monologue counts

    def to_dict(self) -> dict:
        return {
            "rep_turn": self.rep_turn,
            "prospect_turn": self.prospect_turn,
            "at": round(self.at, 3),
            "talked": round(self.talked, 3),
        }


@dataclass(frozen=True)
class ConversationMetrics:
    rep_seconds: float
    prospect_seconds: float
    talk_ratio: float | None  # rep share of talk time; None when nobody talked
    rep_turns: int
    prospect_turns: int
    rep_words: int
    longest_monologue: Monologue | None
    questions: tuple[Question, ...] = field(default=())
    interruptions: tuple[Interruption, ...] = field(default=())
    cut_ins: tuple[CutIn, ...] = field(default=())

    @property
    def open_questions(self) -> int:
        return sum(q.open for q in self.questions)

    def to_dict(self) -> dict:
        return {
            "rep_seconds": round(self.rep_seconds, 3),
            "prospect_seconds": round(self.prospect_seconds, 3),
            "talk_ratio": None if self.talk_ratio is None else round(self.talk_ratio, 3),
            "rep_turns": self.rep_turns,
            "prospect_turns": self.prospect_turns,
            "rep_words": self.rep_words,
            "longest_monologue": (
                None if self.longest_monologue is None else self.longest_monologue.to_dict()
            ),
            "questions_asked": len(self.questions),
            "open_questions": self.open_questions,
            "questions": [q.to_dict() for q in self.questions],
            "interruptions": len(self.interruptions),
            "interruption_events": [i.to_dict() for i in self.interruptions],
            "prospect_cut_ins": len(self.cut_ins),
            "cut_in_events": [c.to_dict() for c in self.cut_ins],
        }


def _ordered(turns: Sequence[Turn]) -> list[Turn]:
    return sorted(turns, key=lambda t: (t.start, t.index))


def longest_monologue(turns: Sequence[Turn]) -> Monologue | None:
    """Longest stretch of rep talk, bridging prospect turns under `BACKCHANNEL_S`."""
    best: Monologue | None = None
    run: list[Turn] = []

    def close() -> None:
        nonlocal best
        if run:
            m = Monologue(
                seconds=sum(t.duration for t in run),
                start=run[0].start,
                end=run[-1].end,
                turns=tuple(t.index for t in run),
            )
            if best is None or m.seconds > best.seconds:
                best = m

    for t in _ordered(turns):
        if t.speaker == Speaker.REP:
            run.append(t)
        elif t.duration >= BACKCHANNEL_S:
            close()
            run = []
    close()
    return best


_LEAD_IN = frozenset("um uh er ah hmm so and but okay ok well right yeah sure great".split())


def rep_questions(turns: Sequence[Turn]) -> list[Question]:
    """Real questions the rep asked: sentences ending in "?" that are not a statement
    with a tag ("..., right?") or a permission check ("..., if that's okay?") on the end.
    """
    out: list[Question] = []
    for t in turns:
        if t.speaker != Speaker.REP:
            continue
        soft = [
            h for h in detect_hedges(t) if h.kind in (HedgeKind.TAG_QUESTION, HedgeKind.PERMISSION)
        ]
        for sent in sentences(tokenize_turn(t)):
            last = sent[-1]
            if not last.question:
                continue
            body = [tok for tok in sent if tok.norm not in _LEAD_IN] or sent
            first = body[0].norm.split("'")[0]  # "what's" -> "what"
            tagged = any(h.start <= last.start and last.end <= h.end for h in soft)
            if tagged and first not in _WH | _AUX:
                continue
            if len(body) == 1 and first in ("right", "okay", "ok", "yeah", "correct"):
                continue
            out.append(
                Question(
                    turn=t.index,
                    text=" ".join(tok.raw for tok in sent),
                    open=first in _OPEN_STARTERS,
                    start=sent[0].start,
                    end=last.end,
                )
            )
    return out


def interruptions(turns: Sequence[Turn]) -> list[Interruption]:
    """Rep turns that began before the prospect finished, or cut a prospect line short."""
    out: list[Interruption] = []
    ordered = _ordered(turns)
    for i, p in enumerate(ordered):
        if p.speaker != Speaker.PROSPECT:
            continue
        rep = next((t for t in ordered[i + 1 :] if t.speaker == Speaker.REP), None)
        # A rep turn that starts inside the prospect's turn may sort before it too.
        overlapping = [
            t for t in ordered if t.speaker == Speaker.REP and p.start <= t.start < p.end
        ]
        if overlapping:
            r = overlapping[0]
            out.append(Interruption(r.index, p.index, r.start, p.end - r.start))
        elif p.cut and rep is not None:
            out.append(Interruption(rep.index, p.index, rep.start, 0.0))
    return out


def cut_ins(turns: Sequence[Turn]) -> list[CutIn]:
    """Rep turns the prospect cut short (`cut` on a rep turn), each with the talk it ended."""
    out: list[CutIn] = []
    ordered = _ordered(turns)
    run = 0.0  # rep talk since the last prospect turn that was more than a murmur
    for i, t in enumerate(ordered):
        if t.speaker != Speaker.REP:
            if t.duration >= BACKCHANNEL_S:
                run = 0.0
            continue
        run += t.duration
        if t.cut:
            line = next((p for p in ordered[i + 1:] if p.speaker == Speaker.PROSPECT), None)
            out.append(CutIn(t.index, None if line is None else line.index, t.end, run))
    return out


def conversation_metrics(turns: Sequence[Turn]) -> ConversationMetrics:
    rep = [t for t in turns if t.speaker == Speaker.REP]
    prospect = [t for t in turns if t.speaker == Speaker.PROSPECT]
    rep_s = sum(t.duration for t in rep)
    pro_s = sum(t.duration for t in prospect)
    total = rep_s + pro_s
    return ConversationMetrics(
        rep_seconds=rep_s,
        prospect_seconds=pro_s,
        talk_ratio=rep_s / total if total > 0 else None,
        rep_turns=len(rep),
        prospect_turns=len(prospect),
        rep_words=sum(len(tokenize_turn(t)) for t in rep),
        longest_monologue=longest_monologue(turns),
        questions=tuple(rep_questions(turns)),
        interruptions=tuple(interruptions(turns)),
        cut_ins=tuple(cut_ins(turns)),
    )
