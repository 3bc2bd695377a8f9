"""The `walkaway` command line, run as a user runs it: the installed entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.support.helpers import FIXTURES, words_of

WALKAWAY = Path(sys.executable).parent / "walkaway"


def run_cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """Run the installed command; calls it stores go to a scratch folder, not ./data."""
    with tempfile.TemporaryDirectory(prefix="walkaway-cli-") as data:
        env = {**os.environ, "WALKAWAY_DATA_DIR": data}
        return subprocess.run([str(WALKAWAY), *args], capture_output=True, text=True,
                              timeout=timeout, check=False, env=env)


def test_call_prints_a_scorecard_of_the_spoken_turn(manifest: dict[str, dict[str, Any]]) -> None:
    wav = FIXTURES / "price_cave_piper.wav"
    done = run_cli("call", "--scenario", "price-pressure", "--turn", str(wav), "--json", "--fast")
    assert done.returncode == 0, done.stderr
    card = json.loads(done.stdout)
    rep = [t for t in card["turns"] if t["speaker"] == "rep"]
    prospect = [t for t in card["turns"] if t["speaker"] == "prospect"]
    assert len(rep) == 1
    assert set(manifest["price_cave_piper"]["expect"]) <= words_of(rep[0]["text"].replace("%", " "))
    assert prospect and all(t["text"].strip() for t in prospect)
    assert any(c["kind"] == "price" for c in card["concessions"])


def test_call_prints_the_conversation_as_it_happens() -> None:
    wav = FIXTURES / "price_hold_piper.wav"  # three sentences with pauses between them
    # in real time, as a rep speaks: with --fast the pauses can pass before the prospect is
    # free to murmur (one run in three without a murmur, before this session's changes too)
    done = run_cli("call", "--scenario", "price-pressure", "--turn", str(wav))
    assert done.returncode == 0, done.stderr
    lines = [line.strip() for line in done.stderr.splitlines()]
    said = [line.split(":", 1)[0] for line in lines if line.startswith(("rep:", "prospect:"))]
    assert said[:1] == ["prospect"] and said.count("rep") == 1  # the opening, then one rep turn
    murmurs = [line for line in lines if line.startswith("prospect: (")]
    assert murmurs and all(line.endswith(".)") for line in murmurs)  # "(Mm.)", not a line


def test_call_names_a_missing_turn_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.wav"
    done = run_cli("call", "--scenario", "price-pressure", "--turn", str(missing))
    assert done.returncode == 2
    assert "nope.wav" in done.stderr


def test_scenarios_lists_the_built_in_ids() -> None:
    done = run_cli("scenarios")
    assert done.returncode == 0, done.stderr
    for scenario_id in ("time-pressure", "price-pressure", "send-info", "renewal-threat"):
        assert scenario_id in done.stdout
