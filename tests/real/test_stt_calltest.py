"""`walkaway test` fails a script whose rep was not heard as spoken (docs/ci.md).

Played through the real `/ws/call` protocol by the tester the CLI and the pytest plugin share.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from server.calltest.runner import CallTester, ScriptResult, call_tester
from tests.support.helpers import FIXTURES
from voices.engines import Engines

HEARD_RIGHT = f"""
scenario: renewal-threat
turns:
  - text: "Okay, I can give you one free month."
  - audio: {FIXTURES / "price_cave_piper.wav"}
    says: "Okay, fine. I can give you ten percent off."
"""
HEARD_WRONG = f"""
scenario: price-pressure
turns:
  - audio: {FIXTURES / "price_cave_piper.wav"}
    says: "We don't discount; the price reflects what it saves you."
"""


@pytest_asyncio.fixture(loop_scope="session")
async def tester(engines: Engines, tmp_path: Path) -> AsyncIterator[CallTester]:
    async with call_tester(cache_dir=tmp_path / "tts", engines=engines) as t:
        yield t


async def _play(tester: CallTester, folder: Path, script: str) -> ScriptResult:
    path = folder / "script.yaml"
    path.write_text(script)
    return await tester.run(path)


async def test_a_sentence_said_once_is_one_turn_and_one_concession(
    tester: CallTester, tmp_path: Path
) -> None:
    result = await _play(tester, tmp_path, HEARD_RIGHT)
    result.assert_passed()
    heard = [text for who, text in result.conversation() if who == "rep"]
    assert sum("free month" in t.lower() for t in heard) == 1, heard
    assert result.scorecard is not None
    free_months = [c for c in result.scorecard["concessions"] if "free month" in c["quote"].lower()]
    assert len(free_months) == 1, result.scorecard["concessions"]


async def test_a_transcript_that_is_not_what_the_audio_says_fails_the_script(
    tester: CallTester, tmp_path: Path
) -> None:
    result = await _play(tester, tmp_path, HEARD_WRONG)
    assert not result.passed
    assert any(f.startswith("rep turn 0 was heard wrong") and "ten percent" not in f
               and "10 percent off" in f for f in result.failures), result.failures
