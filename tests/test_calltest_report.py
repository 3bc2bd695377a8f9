"""`walkaway test` as a person reads it: a file that is no call script is named and said to be
none (and why), and the results fit an 80-column terminal without breaking a word."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from server.calltest.report import print_results
from server.calltest.runner import ScriptResult
from server.calltest.script import CallScriptError, load_call_script
from tests.support.helpers import FIXTURES

WALKAWAY = Path(sys.executable).parent / "walkaway"


@pytest.mark.parametrize(("content", "why"), [
    (b"Remember to ask about the budget.\n", "it holds plain text"),
    (b"- one\n- two\n", "it holds a list"),
    (b"", "it holds nothing"),
    ((FIXTURES / "price_hold_piper.wav").read_bytes()[:4000], "the file is not text"),
])
def test_a_file_that_is_no_call_script_is_named_and_says_why(
    tmp_path: Path, content: bytes, why: str
) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    with pytest.raises(CallScriptError) as caught:
        load_call_script(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not a call script: {why}")
    assert "ScriptSpec" not in message and "dictionary" not in message


def test_walkaway_test_on_a_text_file_fails_and_says_so_in_80_columns(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Call notes\nThe buyer wants ten percent.\n")
    done = subprocess.run([str(WALKAWAY), "test", str(notes)], capture_output=True, text=True,
                          timeout=240, env={**os.environ, "COLUMNS": "80"})
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines and max(len(line) for line in lines) <= 80, done.stdout
    said = " ".join(done.stdout.split())
    assert f"{notes}: not a call script: it holds plain text" in said.replace("• ", "")
    assert "0 passed, 1 failed" in said


def _results() -> list[ScriptResult]:
    talk = ({"type": "prospect", "text": "Ten percent? So there was room all along. Make it "
                                         "fifteen and we're done."},
            {"type": "transcript", "text": "All right, I can do 15% off and that is my final offer."})
    return [
        ScriptResult(Path("examples/scripts/price-pressure-cave.yaml"),
                     "price-pressure caves twice", "price-pressure",
                     ("outcome was 'won_with_concessions', expected 'won'",
                      "prospect turn 1 said 'Fine. Fifteen percent off.', expected to match "
                      "'twenty'"),
                     {"outcome": "won_with_concessions"}, talk, 7.3),
        ScriptResult(Path("examples/scripts/price-pressure-hold.yaml"),
                     "price-pressure holds the price", "price-pressure", (), {"outcome": "won"},
                     (), 9.9),
    ]


def test_the_results_fit_80_columns_without_breaking_a_word() -> None:
    console = Console(width=80, file=io.StringIO(), record=True)
    results = _results()
    print_results(results, console)
    text = console.export_text()
    lines = text.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= 80
    words = set(text.replace("│", " ").split())
    for r in results:  # every word of every name, path, outcome and reason shows whole
        said = [r.name, str(r.path), r.outcome or "", *r.failures]
        for word in " ".join(said).split():
            assert word in words, (word, text)
    # the failure's last lines are shown with it, after the table
    assert text.index("FAIL price-pressure caves twice") > text.index("holds the price")
    assert "rep: All right, I can do 15% off" in text
    assert text.rstrip().endswith("1 passed, 1 failed in 17.2 s")


def test_the_junit_report_keeps_each_calls_outcome_and_score() -> None:
    from server.calltest.report import junit_tree

    results = _results()
    results[1] = ScriptResult(results[1].path, results[1].name, results[1].scenario, (),
                              {"outcome": "won", "overall": 84}, (), 9.9)
    cases = junit_tree(results).getroot().findall("testcase")
    props = [{p.get("name"): p.get("value") for p in c.iter("property")} for c in cases]
    assert props == [{"outcome": "won_with_concessions"}, {"outcome": "won", "overall": "84"}]
