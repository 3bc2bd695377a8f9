"""The terminal side of `walkaway bench`: default turns, progress, and the report table."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from server.calltest.bench import (
    BenchPlan,
    BenchReport,
    Percentiles,
    free_port,
    run_bench,
    server_process,
)
from voices.audio import read_audio

DEFAULT_TURNS = ("price_hold_piper.wav", "price_hold_espeak.wav")
_FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"


def run_bench_command(*, calls: int, rounds: int, turns: Sequence[Path] | None, scenario: str,
                      url: str | None, token: str | None, fast: bool, warmup: bool,
                      progress_console: Console) -> BenchReport:
    """Start a server unless `url`, warm it with one call, then run and measure `calls`."""
    paths = list(turns) if turns else [_FIXTURES / name for name in DEFAULT_TURNS]
    plan = BenchPlan(calls=calls, turns=[read_audio(p) for p in paths], scenario=scenario,
                     fast=fast, token=token, rounds=rounds)

    async def measure(target: str, pid: int | None) -> BenchReport:
        if warmup:
            warm = BenchPlan(calls=1, turns=plan.turns[:1], scenario=scenario, fast=True,
                             token=token)
            await run_bench(target, warm, None)
        with Progress(console=progress_console, transient=True) as progress:
            task = progress.add_task(f"{calls} x {rounds} call(s)", total=calls * rounds)
            return await run_bench(target, plan, pid, lambda: progress.advance(task))

    if url is not None:
        return asyncio.run(measure(url, None))
    port = free_port()
    # the bench's own server admits every call it makes, past the default capacity too
    with server_process(port, max_calls=calls) as proc:
        return asyncio.run(measure(f"ws://127.0.0.1:{port}/ws/call", proc.pid))


def _row(table: Table, name: str, p: Percentiles, unit: str, target: str = "") -> None:
    def fmt(v: float | None) -> str:
        return "-" if v is None else f"{v:.3f}" if unit == "s" else f"{v:.0f}"

    table.add_row(name, str(p.count), fmt(p.p50), fmt(p.p95), fmt(p.max), unit, target)


def answer_target(concurrent: int) -> str:
    """The answer latency the issue sets for this many calls at once (docs/cli.md)."""
    if concurrent == 1:
        return "p50≤0.40 p95≤0.65"
    return "p95≤0.80" if concurrent <= 8 else "p95≤1.2"


def print_report(report: BenchReport, console: Console) -> None:
    """The report as a table people can paste into an issue."""
    # "answer": the rep's last voiced frame sent -> the first audio of the prospect's answer
    table = Table(title=f"walkaway bench: {report.calls} call(s), {report.concurrent} at once, "
                        f"{report.turns_per_call} rep turn(s) each")
    for column in ("measure", "n", "p50", "p95", "max", "unit", "target"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    _row(table, "answer", report.answer_s, "s",
         answer_target(report.concurrent))
    if report.calls > 1:
        _row(table, "  first call", report.first_call_answer_s, "s",
             "≤ later×1.1")
        _row(table, "  later calls", report.later_calls_answer_s, "s")
    _row(table, "first sound (murmur)", report.voice_to_voice_s, "s",
         "p50≤0.5 p95≤0.8" if report.concurrent == 1 else "p95≤1.2")
    _row(table, "speech-to-text per turn", report.stt_ms, "ms")
    _row(table, "text-to-speech to first audio", report.tts_first_audio_ms, "ms")
    _row(table, "scorecard after hang-up", report.scorecard_after_hangup_s, "s", "≤1.0")
    console.print(table)
    console.print(f"completed calls: {report.completed_calls}/{report.calls}; "
                  f"murmurs ('mm' into a pause): {report.murmurs}; "
                  f"max microphone lag: {report.max_send_lag_s:.3f}s")
    if report.process is not None:
        p = report.process
        console.print(f"server CPU: {p.cpu_percent:.0f}% of one core; memory idle "
                      f"{p.rss_idle_mb:.0f} MB, peak {p.rss_peak_mb:.0f} MB, "
                      f"{p.per_call_mb:.1f} MB per call")
    for error in report.errors:
        console.print(f"[red]error:[/red] {error}")
