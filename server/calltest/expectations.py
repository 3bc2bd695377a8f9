"""Check a finished call against a script's expectations; each miss is one readable sentence."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from server.calltest.script import Expectations
from voices.evalset import turn_errors

_NOT_WORD = re.compile(r"[^a-z0-9']+")
_QUOTE_CHARS = 80


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces ("10%," -> "10 percent")."""
    text = text.lower().replace("%", " percent ")  # Whisper writes "10%" for "ten percent"
    return " ".join(_NOT_WORD.sub(" ", text).split())


def says(text: str, phrase: str) -> bool:
    """Whether `text` contains `phrase` as whole words (case and punctuation ignored)."""
    wanted = normalise(phrase)
    return bool(wanted) and f" {wanted} " in f" {normalise(text)} "


def quote(text: str, limit: int = _QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def prospect_lines(events: Sequence[Mapping[str, Any]]) -> list[str]:
    """The prospect's lines in the order spoken (index 0 is the opening)."""
    return [str(e.get("text", "")) for e in events if e.get("type") == "prospect"]


def rep_transcript(scorecard: Mapping[str, Any] | None, events: Sequence[Mapping[str, Any]]) -> str:
    """Everything the rep was heard saying."""
    if scorecard is not None and scorecard.get("transcript"):
        return str(scorecard["transcript"])
    return " ".join(str(e.get("text", "")) for e in events if e.get("type") == "transcript")


def check_call(
    expect: Expectations,
    scorecard: Mapping[str, Any] | None,
    events: Sequence[Mapping[str, Any]],
) -> tuple[str, ...]:
    """The reasons the call misses its expectations; empty when it passes."""
    if scorecard is None:
        return ("the call ended without a scorecard",)
    failures: list[str] = []
    failures += _outcome(expect, scorecard)
    failures += _concessions(expect, scorecard.get("concessions") or [])
    failures += _numbers(expect, scorecard)
    failures += _prospect(expect, prospect_lines(events))
    failures += _rep(expect, rep_transcript(scorecard, events))
    failures += _heard_as_said(expect, events)
    return tuple(failures)


def _outcome(expect: Expectations, card: Mapping[str, Any]) -> list[str]:
    if not expect.outcomes or card.get("outcome") in expect.outcomes:
        return []
    wanted = " or ".join(repr(o) for o in expect.outcomes)
    return [f"outcome was {card.get('outcome')!r}, expected {wanted}"]


def _describe(concession: Mapping[str, Any]) -> str:
    return f"{concession.get('kind')} {quote(str(concession.get('quote', '')))}"


def _concessions(expect: Expectations, given: Sequence[Mapping[str, Any]]) -> list[str]:
    out: list[str] = []
    if expect.min_concessions is not None and len(given) < expect.min_concessions:
        out.append(f"{len(given)} concession(s) recorded, expected at least "
                   f"{expect.min_concessions}")
    if expect.max_concessions is not None and len(given) > expect.max_concessions:
        listed = "; ".join(_describe(c) for c in given)
        out.append(f"{len(given)} concession(s), at most {expect.max_concessions} allowed: "
                   f"{listed}")
    for c in given:
        kind = c.get("kind")
        if kind in expect.forbidden_concessions:
            out.append(f"forbidden concession: {_describe(c)}")
        elif expect.allowed_concessions is not None and kind not in expect.allowed_concessions:
            allowed = ", ".join(sorted(expect.allowed_concessions)) or "none"
            out.append(f"concession of a kind not allowed ({allowed}): {_describe(c)}")
    return out


def _numbers(expect: Expectations, card: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    fillers = int((card.get("fillers") or {}).get("total", 0))
    if expect.max_fillers is not None and fillers > expect.max_fillers:
        counts = (card.get("fillers") or {}).get("counts") or {}
        detail = ", ".join(f"{w}×{n}" for w, n in counts.items())
        out.append(f"{fillers} filler word(s), at most {expect.max_fillers} allowed ({detail})")
    confidence = float((card.get("confidence") or {}).get("score", 0))
    if expect.min_confidence is not None and confidence < expect.min_confidence:
        out.append(f"confidence {confidence:g} is below {expect.min_confidence:g}")
    overall = float(card.get("overall") or 0)
    if expect.min_overall is not None and overall < expect.min_overall:
        out.append(f"overall score {overall:g} is below {expect.min_overall:g}")
    return out


def _prospect(expect: Expectations, lines: Sequence[str]) -> list[str]:
    out: list[str] = []
    for turn, pattern in expect.prospect_says:
        if turn >= len(lines):
            out.append(f"no prospect line {turn}: the prospect spoke {len(lines)} line(s)")
        elif not re.search(pattern, lines[turn], re.IGNORECASE):
            out.append(f"prospect line {turn} does not match /{pattern}/: {quote(lines[turn])}")
    return out


def _rep(expect: Expectations, transcript: str) -> list[str]:
    missing = [w for w in expect.rep_says if not says(transcript, w)]
    if not missing:
        return []
    names = ", ".join(repr(w) for w in missing)
    return [f"the rep never said {names}; heard: {quote(transcript, 160)}"]


def _heard_as_said(expect: Expectations, events: Sequence[Mapping[str, Any]]) -> list[str]:
    """Each rep turn's live transcript against what the turn says (docs/ci.md)."""
    refs = expect.rep_references
    if all(r is None for r in refs):
        return []
    heard = " ".join(str(e.get("text", "")) for e in events if e.get("type") == "transcript")
    out = []
    for k, errors in enumerate(turn_errors(refs, heard)):
        if refs[k] is not None and errors.reached and errors.wer > expect.max_turn_wer:
            out.append(f"rep turn {k} was heard wrong (word error rate {errors.wer:.2f}, at most "
                       f"{expect.max_turn_wer:g}): said {quote(errors.reference)}, heard "
                       f"{quote(errors.heard)}")
    return out
