"""Fixtures and helpers for the storage, API and replay tests: real SQLite and PostgreSQL.

PostgreSQL is the server on 127.0.0.1:5432 (trust auth, database `test`); each test module
gets its own schema, dropped afterwards, so parallel runs never collide. Without a server
the PostgreSQL cases are skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from scoring.scorecard import build_scorecard
from scoring.turns import Speaker, Turn
from server.storage import CallStatus, CallStore
from tests.support.helpers import FIXTURES
from voices.audio import SAMPLE_RATE, read_audio
from voices.engines import Engines

PG_ROOT = os.environ.get("WALKAWAY_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgres"]


def _pg_schema() -> Iterator[str]:
    engine = create_engine(PG_ROOT)
    schema = f"wk_{uuid.uuid4().hex[:12]}"
    try:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as err:
        engine.dispose()
        pytest.skip(f"no PostgreSQL at {PG_ROOT}: {err.orig}")
    try:
        yield f"{PG_ROOT}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def database_url_for(backend: str) -> Iterator[str | None]:
    """None (the SQLite default under data_dir) or a fresh PostgreSQL schema's URL."""
    if backend == "sqlite":
        yield None
    else:
        yield from _pg_schema()


def new_call_id() -> str:
    return uuid.uuid4().hex


def chunks(audio: np.ndarray, seconds: float = 0.02) -> Iterator[np.ndarray]:
    step = int(SAMPLE_RATE * seconds)
    for start in range(0, len(audio), step):
        yield audio[start : start + step]


async def record_demo_call(
    store: CallStore, engines: Engines, *, user_id: str | None, call_id: str | None = None,
    scenario: str = "price-pressure",
) -> dict[str, Any]:
    """A real two-turn call through a CallRecorder: the prospect asks, the rep holds, then
    caves. Rep speech is transcribed by the real recogniser; returns what was recorded."""
    call_id = call_id or new_call_id()
    prospect = read_audio(FIXTURES / "value_question_piper.wav")
    hold = read_audio(FIXTURES / "price_hold_piper.wav")
    cave = read_audio(FIXTURES / "price_cave_piper.wav")
    gap = np.zeros(int(0.8 * SAMPLE_RATE), dtype=np.float32)
    lead_in = np.zeros(len(prospect), dtype=np.float32)  # the rep listens to the prospect
    rep = np.concatenate([lead_in, gap, hold, gap, cave, gap])
    recorder = await store.open_call(call_id=call_id, user_id=user_id, scenario=scenario,
                                     difficulty="normal")
    recorder.event({"type": "ready", "call_id": call_id})
    recorder.prospect_audio(prospect, at=0.0)
    recorder.event({"type": "prospect", "turn": 0, "text": "What would it cost you?"})
    for piece in chunks(rep):
        recorder.rep_audio(piece)
    turns = [Turn(0, Speaker.PROSPECT, "What would it cost you if the system went down?", 0.0,
                  len(prospect) / SAMPLE_RATE)]
    for audio, offset in ((hold, len(lead_in) + len(gap)),
                          (cave, len(lead_in) + 2 * len(gap) + len(hold))):
        result = await engines.stt.transcribe(audio, offset / SAMPLE_RATE)
        turns.append(Turn(len(turns), Speaker.REP, result.text, result.words[0].start,
                          result.words[-1].end, result.words))
    scorecard = build_scorecard(call_id=call_id, scenario=scenario, outcome="conceded",
                                turns=turns, rep_audio=rep, sample_rate=SAMPLE_RATE)
    recorder.event({"type": "scorecard", **scorecard})
    await recorder.finish(scorecard, CallStatus.COMPLETE)
    return {"call_id": call_id, "rep": rep, "prospect": prospect, "scorecard": scorecard}


def wav_path(data_dir: Path, call_id: str) -> Path:
    return data_dir / "calls" / f"{call_id}.wav"
