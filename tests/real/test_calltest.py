"""`walkaway test` and the `walkaway_call` pytest fixture, playing scripts over `/ws/call`.

The example scripts run here once, through the installed command, beside a script with a wrong
expectation and one with a missing audio file; the JUnit report of that run is checked too.
These tests start their own servers (sign-in off), as a team's CI would.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import websockets

from dialog import Outcome, builtin_catalog
from dialog.line_meaning import LineMeaning, fits, read_meaning

WALKAWAY = Path(sys.executable).parent / "walkaway"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scripts"

pytest_plugins = ("pytester",)

WRONG = """
name: wrong expectation
scenario: send-info
turns:
  - text: "Happy to. So I send the right thing, what specifically would you want to see in it?"
  - text: "Before I send anything, can we put thirty minutes in the calendar on Thursday?"
expect:
  outcome: lost
  rep_says: [banana]
"""
MISSING = "scenario: price-pressure\nturns:\n  - audio: takes/nope.wav\n"


@pytest.fixture(scope="module")
def tts_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tts-cache")


@pytest.fixture
def bad_scripts(tmp_path: Path) -> tuple[Path, Path]:
    wrong, missing = tmp_path / "wrong.yaml", tmp_path / "missing.yaml"
    wrong.write_text(WRONG)
    missing.write_text(MISSING)
    return wrong, missing


async def _walkaway(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run the installed command without blocking this loop; (status, stdout, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        str(WALKAWAY), *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        # a wide table keeps each reason on one line
        env={**os.environ, "COLUMNS": "300", **(env or {})},
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=480)
    return proc.returncode or 0, out.decode(), err.decode()


async def test_walkaway_test_runs_the_examples_and_reports_failures(
    tmp_path: Path, tts_cache: Path, bad_scripts: tuple[Path, Path]
) -> None:
    """The default path: an in-process server, its models loaded once for all scripts."""
    examples = sorted(EXAMPLES.glob("*.yaml"))
    assert len(examples) == 10  # a holding and a caving rep for each built-in scenario
    junit = tmp_path / "junit.xml"
    status, stdout, stderr = await _walkaway(
        "test", *map(str, examples), *map(str, bad_scripts), "--junit", str(junit),
        "--cache-dir", str(tts_cache))
    assert status == 1, stderr

    suite = ET.parse(junit).getroot()
    assert suite.tag == "testsuite"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("12", "1", "1")
    cases = {Path(c.get("file") or "").name: c for c in suite.findall("testcase")}
    for example in examples:
        case = cases[example.name]
        problem = case.find("failure") if case.find("failure") is not None else case.find("error")
        assert problem is None, f"{example.name}: {problem.get('message')}\n" \
                                f"{case.findtext('system-out')}"
        assert float(case.get("time") or 0) > 0
    # Each scenario's holding and caving rep part ways, the holding one scores higher, and
    # each call's outcome is what the prospect's last line says (dialog/line_meaning.py).
    played: dict[str, tuple[str, float]] = {}
    for example in examples:
        case = cases[example.name]
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        said = [line.removeprefix("prospect: ")
                for line in (case.findtext("system-out") or "").splitlines()
                if line.startswith("prospect: ")]
        meaning = read_meaning(said[-1])
        assert meaning is not LineMeaning.OPEN, (example.name, said[-1])
        assert fits(meaning, Outcome(props["outcome"])), (example.name, props, said[-1])
        played[example.stem] = (str(props["outcome"]), float(props["overall"] or 0))
    for scenario in builtin_catalog().ids():
        (held, held_score), (caved, caved_score) = played[f"{scenario}-hold"], played[
            f"{scenario}-cave"]
        assert held == "won" and caved != held, scenario
        assert held_score > caved_score, (scenario, held_score, caved_score)
    failure = cases["wrong.yaml"].find("failure")
    assert failure is not None
    assert "outcome was 'won', expected 'lost'" in (failure.get("message") or "")
    assert "the rep never said 'banana'" in (failure.get("message") or "")
    error = cases["missing.yaml"].find("error")
    assert error is not None
    assert f"turns[0].audio: file not found: {bad_scripts[1].parent / 'takes' / 'nope.wav'}" in (
        error.get("message") or "")

    assert "10 passed, 2 failed" in stdout
    assert "outcome was 'won', expected 'lost'" in stdout and "nope.wav" in stdout
    assert "FAIL" in stdout and "PASS" in stdout


async def test_walkaway_test_sends_the_token_to_the_url(
    tts_cache: Path, bad_scripts: tuple[Path, Path]
) -> None:
    """`--url` plays against that server and sends WALKAWAY_TOKEN in the start message."""
    starts: list[dict[str, object]] = []

    async def refuse(ws: websockets.ServerConnection) -> None:
        starts.append(json.loads(await ws.recv()))
        await ws.send(json.dumps({"type": "error", "code": "unauthorized",
                                  "message": "sign in first"}))

    async with websockets.serve(refuse, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        status, stdout, stderr = await _walkaway(
            "test", str(bad_scripts[0]), "--url", f"http://127.0.0.1:{port}",
            "--cache-dir", str(tts_cache), env={"WALKAWAY_TOKEN": "s3cret"})
    assert status == 1, stderr
    assert starts and starts[0]["token"] == "s3cret" and starts[0]["scenario"] == "send-info"
    assert "call refused: sign in first" in stdout


async def test_plugin_in_a_teams_own_suite(pytester: pytest.Pytester, tts_cache: Path) -> None:
    """A fresh pytest run as a team has it: the entry point loads the plugin, whose fixture
    starts one in-process server; a passing script and a broken one."""
    pytester.makefile(".ini", pytest="[pytest]\nasyncio_mode = auto\n")
    pytester.makepyfile(test_team=f"""
        async def test_hold(walkaway_call):
            result = await walkaway_call({str(EXAMPLES / "time-pressure-cave.yaml")!r})
            result.assert_passed()
            assert result.scorecard["concessions"]

        async def test_missing(walkaway_call):
            result = await walkaway_call("scripts/nope.yaml")
            result.assert_passed()
    """)
    run = await asyncio.to_thread(
        # one "--opt=value" word: a bare path argument would move pytest's rootdir
        pytester.runpytest_subprocess, f"--walkaway-cache-dir={tts_cache}", "-p",
        "no:cacheprovider", timeout=300)
    run.assert_outcomes(passed=1, failed=1)
    run.stdout.fnmatch_lines(["*CallScriptFailed: call script scripts/nope.yaml failed:*",
                              "*- scripts/nope.yaml: cannot read the script*"])
