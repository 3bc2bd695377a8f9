"""Show call-script results: a Rich table for people, JUnit XML for CI servers."""

from __future__ import annotations

import socket
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from server.calltest.runner import ScriptResult


def print_results(results: Sequence[ScriptResult], console: Console) -> None:
    """One row per script: pass or fail, the outcome, the reasons and how the call ended."""
    table = Table(title="walkaway call scripts", show_lines=True)
    table.add_column("script", overflow="fold")
    table.add_column("result")
    table.add_column("outcome")
    table.add_column("reasons", overflow="fold")
    table.add_column("last lines", overflow="fold")
    for r in results:
        status = Text("PASS", style="bold green") if r.passed else Text("FAIL", style="bold red")
        reasons = "\n".join(f"• {f}" for f in r.failures)
        table.add_row(f"{r.name}\n[dim]{r.path}[/dim]", status, r.outcome or "-",
                      Text(reasons), Text(r.excerpt() if not r.passed else ""))
    console.print(table)
    failed = sum(not r.passed for r in results)
    seconds = sum(r.duration_s for r in results)
    style = "red" if failed else "green"
    console.print(f"[{style}]{len(results) - failed} passed, {failed} failed[/{style}] "
                  f"in {seconds:.1f} s")


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
