"""A five-minute call: how long the scorecard takes after hang-up, and how much of it the
second pass covered (issue 13: "the scorecard arrives <= 1 s after hang-up for a 5-minute call
(bench prints it)").

`walkaway bench` plays two short turns; a scripted prospect ends a call after three or four
firm turns, so it cannot hold a call open for five minutes. This bench plays nine long rep
turns (16-27 s each, spoken by the bundled piper voice) that each propose a next step: in the
price-pressure scenario on `easy` that is neither a firm turn (which would win the call) nor a
stall (which would try the prospect's patience), and `easy` never cuts a long turn short. The
prospect answers each one, and after the ninth answer the rep hangs up (the scenario's limit is
ten turns). The call runs in real time through `/ws/call` against `walkaway serve` in its own
process, after one unmeasured warm-up call.

Printed: the call's length, the scorecard's delay after `{"type": "end"}`, the second pass's
coverage (rep turns whose accurate transcript reached the scorecard, from the server's log:
a turn still decoding at the deadline is logged "not done", a broken one "failed"), how many
rep turns the second pass changed, and the word error rate of the live and the scorecard
transcripts against what the turns say. Run:
    .venv/bin/python bench/long_call.py [--json out.json] [--turns 9]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from server.calltest.bench import free_port, server_process  # noqa: E402
from server.calltest.client import CallResult, ScriptOptions, run_scripted_call  # noqa: E402
from server.calltest.turn_audio import TurnRenderer  # noqa: E402
from voices.audio import SAMPLE_RATE  # noqa: E402
from voices.evalset import word_error_rate  # noqa: E402

SCENARIO, DIFFICULTY = "price-pressure", "easy"
# Reps pause 0.3-0.45 s between the sentences of one turn (bench/README.md); piper leaves up to
# 0.6 s at some full stops, which would end the turn mid-way (a statement ends after 0.5 s).
MAX_PAUSE_S = 0.35
_FRAME = 160  # 10 ms
_NOT_DONE = re.compile(r"second pass: turn (\d+) not done")
_FAILED = re.compile(r"second pass: turn (\d+) failed")

# Each turn proposes a next step (its primary move) without holding firm or giving anything away.
TURNS = (
    "Thanks for laying that out so clearly. Before we go any further, I would like to understand "
    "how your team runs deliveries today, who signs off on changes, and what a bad week looks "
    "like for your kitchens. The quote on your desk is one part of the picture. Let's put thirty "
    "minutes in the calendar on Tuesday with your operations lead so we can walk through it "
    "together. I am asking because every kitchen we work with runs a little differently, and the "
    "details usually matter more than the headline figure on a quote.",
    "I understand the number is what your boss sees first. What I would like to do is bring our "
    "delivery manager to a short site visit, look at your loading bays and your order history, "
    "and show you where the hours go each month. It usually takes about an hour. Could we book "
    "that visit for Thursday morning, say around ten o'clock? While we are there, we would also "
    "look at how your returns are handled, since that is often where small problems turn into "
    "long afternoons for your staff.",
    "Here is what I suggest for the next step. I will send you a one page summary of the running "
    "costs we talked about, with the service levels written out in plain language. Then we meet "
    "again next week, with your finance controller in the room, and go through that page line by "
    "line so everyone sees the same figures. I would rather you have everything written down "
    "than rely on my memory of this call, because your boss will want to see it in black and "
    "white.",
    "That makes sense, and I do not want to waste your time. How about a quick trial instead? We "
    "run two weeks of deliveries on one of your routes, your drivers keep a simple log, and at "
    "the end we sit down and compare the logs with what you see today. Let's set up a call on "
    "Monday to pick the route. The trial costs your team very little effort, and it gives you "
    "real numbers from your own routes instead of promises from a salesperson on the phone.",
    "I hear that you want this settled quickly. Let me propose a call on Friday afternoon with "
    "our account director and your purchasing team. We would bring the contract terms, the "
    "delivery schedule and the support plan, and you would bring the questions your boss is "
    "going to ask. Would three o'clock on Friday work for your side? That way nobody has to "
    "carry messages back and forth, and every question gets answered by the person who actually "
    "knows the answer on our side.",
    "Good point about the calendar. Let's do it this way. I will set up a short video call with "
    "two of our customers who switched from the other supplier last year, so you can hear "
    "directly what changed for them after six months. They are both food businesses about your "
    "size. Shall I send you an invitation for next Wednesday at eleven? Hearing it from people "
    "in your position is usually more convincing than anything I could tell you, and they are "
    "happy to take questions about the hard parts too.",
    "Understood. To keep things moving, let's schedule a working session with your warehouse "
    "supervisor. We would map your current ordering process on one sheet of paper, mark the "
    "steps that cost you time, and agree on what a good month looks like. After that session you "
    "will have something concrete for your boss. Does Tuesday after lunch suit you? In my "
    "experience that one sheet of paper saves more arguments later than any contract clause, "
    "because everyone agrees on the same picture from the start.",
    "I appreciate your patience with all of this. My suggestion is that we meet in person at "
    "your office next week, with the summary, the trial plan and the customer stories in one "
    "folder. We can go through everything in forty five minutes and decide together whether it "
    "is worth taking further. Can I book that meeting for Thursday at two? I will also bring the "
    "names of the people who would look after your account day to day, so you know exactly who "
    "picks up the phone when something goes wrong.",
    "Thank you for the time today, this has been a useful conversation. I will send the meeting "
    "invitation this afternoon, together with the one page summary and the trial outline we "
    "discussed. Let's speak again on Thursday at two, and in the meantime, if anything comes up "
    "from your boss, just give me a call and we can talk it through. I will keep the summary "
    "short and clear, so it is easy to forward upstairs, and I will mark the two or three "
    "points your boss is most likely to ask about.",
)


def tighten_pauses(audio: np.ndarray, max_pause_s: float = MAX_PAUSE_S,
                   floor: float = 0.02) -> np.ndarray:
    """`audio` with every quiet stretch inside the speech cut to `max_pause_s`; the silence
    before the first and after the last voiced 10 ms frame is kept as it is."""
    frames = len(audio) // _FRAME
    loud = np.abs(audio[: frames * _FRAME]).reshape(frames, _FRAME).max(axis=1) > floor
    voiced = np.flatnonzero(loud)
    if voiced.size == 0:
        return audio
    keep = np.ones(len(audio), dtype=bool)
    limit = int(max_pause_s * SAMPLE_RATE / _FRAME)
    for a, b in zip(voiced, voiced[1:]):
        if b - a - 1 > limit:  # quiet frames a+1 .. b-1: keep the first `limit` of them
            keep[(a + 1 + limit) * _FRAME:b * _FRAME] = False
    return audio[keep]


@dataclass(frozen=True)
class Coverage:
    """Rep turns whose accurate transcript reached the scorecard."""

    rep_turns: int
    not_done: int  # still decoding at the hang-up deadline: the live transcript stood
    failed: int  # the second pass broke on it: the live transcript stood
    changed: int  # turns whose scorecard text differs from the live transcript

    @property
    def covered(self) -> int:
        return self.rep_turns - self.not_done - self.failed


def coverage(result: CallResult, server_log: str) -> Coverage:
    """The second pass's coverage of one call, from its events and the server's log."""
    live = {e["turn"]: e["text"] for e in result.of_type("transcript")}
    card = result.scorecard or {}
    final = {t["index"]: t["text"] for t in card.get("turns", []) if t["speaker"] == "rep"}
    not_done = {int(m) for m in _NOT_DONE.findall(server_log)} & set(live)
    failed = {int(m) for m in _FAILED.findall(server_log)} & set(live)
    changed = sum(1 for k, text in live.items() if k in final and final[k] != text)
    return Coverage(len(live), len(not_done), len(failed), changed)


@dataclass(frozen=True)
class LongCallReport:
    """What the bench prints."""

    call_s: float  # from the first frame sent to hang-up
    rep_speech_s: float
    rep_turns_played: int
    hung_up_by: str  # "rep" (the bench sent end) or "prospect" (the call ended before)
    outcome: str | None
    scorecard_after_hangup_s: float | None
    coverage: Coverage
    wer_live: float
    wer_scorecard: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]


def render_turns(texts: Sequence[str]) -> list[np.ndarray]:
    """Each turn spoken by the bundled piper voice (cached), pauses tightened."""
    renderer = TurnRenderer()
    return [tighten_pauses(renderer.speak(text)) for text in texts]


async def _calls(url: str, audio: Sequence[np.ndarray], seed: int) -> tuple[CallResult, float]:
    # unmeasured: the first call warms the prospect's voice cache and the decoders
    await run_scripted_call(url, audio[:1], ScriptOptions(SCENARIO, DIFFICULTY, seed=seed,
                                                          fast=True))
    began = time.monotonic()
    result = await run_scripted_call(url, audio, ScriptOptions(SCENARIO, DIFFICULTY, seed=seed,
                                                               reply_timeout_s=90.0))
    return result, began


def run(turns: int, seed: int) -> LongCallReport:
    """Play the long call against a fresh server and measure it."""
    texts = TURNS[:turns]
    audio = render_turns(texts)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="walkaway-long-call-log-") as tmp:
        log = Path(tmp) / "server.log"
        port = free_port()
        with server_process(port, log=log, cwd=REPO, timeout=120):
            result, began = asyncio.run(_calls(f"ws://127.0.0.1:{port}/ws/call", audio, seed))
        server_log = log.read_text(errors="replace")
    timing = result.timing
    ended = timing.end_sent if timing.end_sent is not None else timing.scorecard_received
    played = len(timing.voice_ends)
    live = {e["turn"]: e["text"] for e in result.of_type("transcript")}
    card = result.scorecard or {}
    final = [t["text"] for t in card.get("turns", []) if t["speaker"] == "rep"]
    said = " ".join(texts[:played])
    return LongCallReport(
        call_s=round((ended or time.monotonic()) - began, 1),
        rep_speech_s=round(sum(len(a) for a in audio[:played]) / SAMPLE_RATE, 1),
        rep_turns_played=played,
        hung_up_by="rep" if timing.end_sent is not None else "prospect",
        outcome=card.get("outcome"),
        scorecard_after_hangup_s=(
            round(timing.scorecard_received - timing.end_sent, 3)
            if timing.end_sent is not None and timing.scorecard_received is not None else None),
        coverage=coverage(result, server_log),
        wer_live=round(word_error_rate([said], [" ".join(live[k] for k in sorted(live))]), 3),
        wer_scorecard=round(word_error_rate([said], [" ".join(final)]), 3),
        load_before=tuple(round(x, 2) for x in load_before),
        load_after=tuple(round(x, 2) for x in os.getloadavg()),
    )


def print_report(r: LongCallReport) -> None:
    """The figures, one per line, to paste into bench/README.md."""
    c = r.coverage
    after = "-" if r.scorecard_after_hangup_s is None else f"{r.scorecard_after_hangup_s:.3f} s"
    print(f"call: {r.call_s:.1f} s ({r.call_s / 60:.1f} min), {r.rep_turns_played} rep turns, "
          f"{r.rep_speech_s:.1f} s of rep speech; hung up by the {r.hung_up_by}; "
          f"outcome {r.outcome}")
    print(f"scorecard after hang-up: {after} (target <= 1 s)")
    print(f"second pass coverage: {c.covered}/{c.rep_turns} rep turns "
          f"({c.not_done} not done at the deadline, {c.failed} failed); "
          f"{c.changed} turns' text changed by it")
    print(f"word error rate over the call: live {r.wer_live:.3f}, scorecard {r.wer_scorecard:.3f}")
    print(f"load average (1/5/15 min) before {r.load_before}, after {r.load_after} "
          f"on {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=len(TURNS), choices=range(1, len(TURNS) + 1),
                        metavar=f"1..{len(TURNS)}", help="rep turns to play (default: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    report = run(args.turns, args.seed)
    print_report(report)
    if args.json:
        data: dict[str, Any] = asdict(report)
        data["coverage"]["covered"] = report.coverage.covered
        args.json.write_text(json.dumps(data, indent=1))


if __name__ == "__main__":
    main()
