"""Show call-script results: a Rich table for people, JUnit XML for CI servers."""

from __future__ import annotations

import socket
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from server.calltest.runner import ScriptResult


def print_results(results: Sequence[ScriptResult], console: Console) -> None:
    """One row per script (pass or fail, the outcome), then each failure's reasons and last
    lines at the console's full width, so the table reads at 80 columns (docs/cli.md)."""
    table = Table(title="walkaway call scripts", show_lines=True)
    table.add_column("script", ratio=1, overflow="fold")
    table.add_column("result", no_wrap=True)
    table.add_column("outcome", no_wrap=True)
    for r in results:
        table.add_row(Text.assemble(r.name, "\n", (str(r.path), "dim")), _status(r),
                      r.outcome or "-")
    console.print(table)
    for r in results:
        if r.passed:
            continue
        console.print(Text.assemble(_status(r), " ", (r.name, "bold"), " ", (str(r.path), "dim")))
        reasons = Table.grid(padding=(0, 1))  # a reason that wraps stays under its bullet
        for failure in r.failures:
            reasons.add_row("•", Text(failure))
        if excerpt := r.excerpt():
            reasons.add_row("", Text(excerpt, style="dim"))
        console.print(Padding(reasons, (0, 0, 0, 2), expand=False))
    failed = sum(not r.passed for r in results)
    seconds = sum(r.duration_s for r in results)
    style = "red" if failed else "green"
    console.print(f"[{style}]{len(results) - failed} passed, {failed} failed[/{style}] "
                  f"in {seconds:.1f} s")


def _status(r: ScriptResult) -> Text:
    return Text("PASS", style="bold green") if r.passed else Text("FAIL", style="bold red")


def junit_tree(results: Sequence[ScriptResult], suite: str = "walkaway") -> ET.ElementTree:
    """A `<testsuite>` with one `<testcase>` per script.

    An expectation miss is a `<failure>`; a script that could not run (bad file, missing
    audio, refused call) is an `<error>`, as JUnit readers expect.
    """
    failures = sum(not r.passed and not r.broken for r in results)
    errors = sum(r.broken for r in results)
    root = ET.Element("testsuite", {
        "name": suite,
        "tests": str(len(results)),
        "failures": str(failures),
        "errors": str(errors),
        "skipped": "0",
        "time": f"{sum(r.duration_s for r in results):.3f}",
        "timestamp": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "hostname": socket.gethostname(),
    })
    for r in results:
        case = ET.SubElement(root, "testcase", {
            "classname": f"{suite}.{r.scenario or 'unknown'}",
            "name": r.name,
            "file": str(r.path),
            "time": f"{r.duration_s:.3f}",
        })
        if r.scorecard is not None:  # what the call came to, for a CI server's history
            props = ET.SubElement(case, "properties")
            for key in ("outcome", "overall"):
                if r.scorecard.get(key) is not None:
                    ET.SubElement(props, "property", {"name": key,
                                                      "value": str(r.scorecard[key])})
        if not r.passed:
            tag = "error" if r.broken else "failure"
            node = ET.SubElement(case, tag, {
                "message": "; ".join(r.failures),
                "type": "ScriptError" if r.broken else "ExpectationFailed",
            })
            node.text = "\n".join(r.failures)
        talk = "\n".join(f"{who}: {text}" for who, text in r.conversation())
        if talk:
            ET.SubElement(case, "system-out").text = talk
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(results: Sequence[ScriptResult], path: Path, suite: str = "walkaway") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    junit_tree(results, suite).write(path, encoding="utf-8", xml_declaration=True)
