"""The same call scripts give the same calls on an idle and on a saturated machine.

`walkaway test` asks the server to decide on the call clock alone (`deterministic` in
docs/protocol.md). Two runs of two example scripts, the second with both cores kept busy by
processes this test starts and stops, must write the same JUnit report apart from its timings:
the same transcripts, prospect lines, outcomes and scores. A rep turn with comma pauses
(early transcripts), several turns and a second pass per turn are all in these two scripts.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


# In `make test`. It was skipped there while one saturated run in four differed: the scorecard's
# accurate second pass ran on a low-priority thread, and on a saturated machine it missed the
# scorecard's 30 s bound for some turns (their live transcript was kept) and not others.
# Deterministic calls now take that pass at the process's priority (voices/engines.py).

WALKAWAY = Path(sys.executable).parent / "walkaway"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scripts"
SCRIPTS = [EXAMPLES / "price-pressure-cave.yaml", EXAMPLES / "bad-fit-hold.yaml"]
TIMINGS = ("time", "timestamp", "hostname")


@contextmanager
def saturated_cores() -> Iterator[None]:
    """Keep every core busy with a spinning process until the block ends."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
                for _ in range(os.cpu_count() or 2)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait(timeout=10)


def run_scripts(junit: Path, cache: Path) -> bytes:
    """Play SCRIPTS with `walkaway test`; the JUnit report with its timings removed."""
    proc = subprocess.run(
        [str(WALKAWAY), "test", *map(str, SCRIPTS), "--junit", str(junit),
         "--cache-dir", str(cache)],
        capture_output=True, text=True, timeout=600, env={**os.environ, "COLUMNS": "200"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    root = ET.parse(junit).getroot()
    for node in root.iter():
        for name in TIMINGS:
            node.attrib.pop(name, None)
    return ET.tostring(root)


def test_the_same_scripts_give_the_same_calls_on_a_busy_machine(tmp_path: Path) -> None:
    cache = tmp_path / "tts-cache"
    idle = run_scripts(tmp_path / "idle.xml", cache)
    with saturated_cores():
        busy = run_scripts(tmp_path / "busy.xml", cache)
    assert busy == idle
    # the report holds the calls themselves, not only their names
    assert idle.count(b"rep: ") >= 5 and b"prospect: " in idle
