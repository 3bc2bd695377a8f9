"""No request can forge a log line: a newline or other control character a caller sends (in
a path, a query value, a header the server logs) reaches the logs escaped (docs/security.md).
The typed name of a failed sign-in and the set-up link stay out of the logs altogether:
tests/test_security_credentials.py."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from server.http.app import create_app
from server.http.inprocess import serve_in_process
from server.http.redact import escape_controls
from server.settings import Settings
from voices.engines import Engines

_UVICORN = ("uvicorn", "uvicorn.error", "uvicorn.access")


def test_control_characters_are_escaped() -> None:
    assert escape_controls("a\nb\r\tc\x1b[31m\x7f") == "a\\nb\\r\\tc\\x1b[31m\\x7f"
    assert escape_controls("plain — ünïcode") == "plain — ünïcode"


async def test_a_newline_in_a_path_cannot_start_a_log_line(
    engines: Engines, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    app = create_app(Settings(data_dir=tmp_path), engines)
    async with serve_in_process(app) as base:
        for name in _UVICORN:  # they do not propagate
            logging.getLogger(name).addHandler(caplog.handler)
            logging.getLogger(name).setLevel(logging.INFO)
        try:
            async with httpx.AsyncClient(base_url=base) as client:
                await client.get("/static/x%0A2026-01-01%20INFO%20forged.js")
                await client.post("/api/calls/x%0D%0AFORGED", headers={"Origin": "http://e.x"})
        finally:
            for name in _UVICORN:
                logging.getLogger(name).removeHandler(caplog.handler)
    lines = [line for r in caplog.records for line in r.getMessage().splitlines()]
    # the cross-site guard logs the decoded path; uvicorn's access log keeps it %-encoded
    assert any("x\\r\\nFORGED" in line for line in lines), lines  # logged, escaped
    assert not any(line.startswith(("2026-01-01", "FORGED")) for line in lines), lines
