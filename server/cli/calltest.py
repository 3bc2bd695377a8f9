"""`walkaway test SCRIPT...`: play call scripts, show a table, write JUnit, set the exit code."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

from server.calltest.report import print_results, write_junit
from server.calltest.runner import RunOptions, ScriptResult, call_tester


def run_call_tests(
    scripts: Sequence[Path],
    *,
    url: str | None,
    token: str | None,
    fast: bool,
    junit: Path | None,
    cache_dir: Path | None,
    scenario_dir: Path | None,
    out: Console,
    err: Console,
) -> int:
    """Run every script; 0 when all pass, 1 otherwise."""
    options = RunOptions(fast=fast, token=token)
    results = asyncio.run(_run_all(scripts, url, options, cache_dir, scenario_dir, err))
    print_results(results, out)
    if junit is not None:
        write_junit(results, junit)
        err.print(f"JUnit report: {junit}")
    return 0 if all(r.passed for r in results) else 1


async def _run_all(
    scripts: Sequence[Path],
    url: str | None,
    options: RunOptions,
    cache_dir: Path | None,
    scenario_dir: Path | None,
    err: Console,
) -> list[ScriptResult]:
    results: list[ScriptResult] = []
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               MofNCompleteColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("starting the server" if url is None else "connecting",
                                 total=len(scripts))
        async with call_tester(url, options, cache_dir=cache_dir,
                               scenario_dir=scenario_dir) as tester:
            for path in scripts:
                lines = 0

                def heard(event: dict[str, Any], name: str = path.name) -> None:
                    nonlocal lines
                    if event["type"] in ("prospect", "transcript"):
                        lines += 1
                        progress.update(task, description=f"{name} [dim](line {lines})[/dim]")

                progress.update(task, description=path.name)
                result = await tester.run(path, heard)
                results.append(result)
                mark = "[green]pass[/green]" if result.passed else "[red]FAIL[/red]"
                progress.console.print(f"{mark} {path} ({result.duration_s:.1f} s)")
                progress.advance(task)
    return results
