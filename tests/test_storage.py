"""Storage: the stereo mixer, the growing WAV, the recorder and accounts, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import time
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import numpy as np
import pytest
import pytest_asyncio
import soundfile as sf
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from scoring.turns import Speaker, Word

from server.settings import Settings
from server.storage import CallFilter, CallStatus, CallStore, Role, StorageError, TokenKind
from server.storage.audio_writer import StereoWavWriter, interleave, peaks, read_info
from server.storage.mixer import StereoMixer
from server.storage.models import TokenRow
from server.storage.pending import SPOOL_SUFFIX, AddEvents, FinishCall, InsertCall, load_spool
from server.storage.repository import StoredEvent
from tests.support.storage_fixtures import (
    BACKENDS,
    chunks,
    database_url_for,
    new_call_id,
    record_demo_call,
    wav_path,
)
from voices.audio import SAMPLE_RATE
from voices.engines import Engines

_PCM_TOLERANCE = 2 / 32768


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    yield from database_url_for(request.param)


@pytest_asyncio.fixture
async def store(db_url: str | None, tmp_path: Path) -> AsyncIterator[CallStore]:
    store = CallStore(Settings(data_dir=tmp_path, database_url=db_url).storage())
    await store.start()
    try:
        yield store
    finally:
        await store.close()


# --- the mixer: pure, property-tested ------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 900), min_size=1, max_size=40),
    at=st.floats(0.0, 1.0),
    length=st.integers(1, 4000),
    cut_after=st.none() | st.floats(0.0, 1.5),
)
def test_mixer_keeps_every_rep_sample_and_places_the_prospect(
    sizes: list[int], at: float, length: int, cut_after: float | None
) -> None:
    rate = 8000
    rng = np.random.default_rng(len(sizes))
    rep = rng.uniform(-0.5, 0.5, sum(sizes)).astype(np.float32)
    prospect = rng.uniform(-0.5, 0.5, length).astype(np.float32)
    mixer = StereoMixer(rate, holdback_s=0.05)
    mixer.add_prospect(prospect, at)
    if cut_after is not None:
        mixer.cut_prospect(cut_after)
    lefts, rights = [], []
    position = 0
    for size in sizes:
        mixer.add_rep(rep[position : position + size])
        position += size
        left, right = mixer.take()
        lefts.append(left)
        rights.append(right)
    left, right = mixer.take(final=True)
    left = np.concatenate([*lefts, left])
    right = np.concatenate([*rights, right])

    start = int(round(at * rate))
    end = start + length
    if cut_after is not None:
        end = min(end, int(round(cut_after * rate)))
    end = max(start, end)
    assert len(left) == len(right) == max(len(rep), end if end > start else 0)
    np.testing.assert_array_equal(left[: len(rep)], rep)
    assert not left[len(rep) :].any()
    expected = np.zeros(len(right), dtype=np.float32)
    expected[start:end] = prospect[: end - start]
    np.testing.assert_array_equal(right, expected)


def test_a_cut_after_audio_was_written_keeps_what_was_written() -> None:
    mixer = StereoMixer(1000, holdback_s=0.0)
    mixer.add_prospect(np.ones(1000, dtype=np.float32), at=0.0)
    mixer.add_rep(np.zeros(500, dtype=np.float32))
    _, first = mixer.take()
    mixer.cut_prospect(0.2)  # decided late: the first 0.5 s is already on disk
    mixer.add_rep(np.zeros(500, dtype=np.float32))
    _, second = mixer.take(final=True)
    assert first.all() and not second.any()


# --- the WAV file --------------------------------------------------------------------------

def test_a_wav_is_readable_while_it_is_written_and_after_its_writer_died(tmp_path: Path) -> None:
    path = tmp_path / "growing.wav"
    writer = StereoWavWriter(path, SAMPLE_RATE)
    tone = np.sin(np.linspace(0, 200, SAMPLE_RATE)).astype(np.float32) * 0.5
    writer.append(interleave(tone, -tone))
    data, rate = sf.read(str(path))  # the writer is still open: a crash would leave this
    assert rate == SAMPLE_RATE and data.shape == (SAMPLE_RATE, 2)
    np.testing.assert_allclose(data[:, 0], tone, atol=_PCM_TOLERANCE)
    np.testing.assert_allclose(data[:, 1], -tone, atol=_PCM_TOLERANCE)
    writer.append(interleave(tone, tone))
    del writer  # never closed
    assert read_info(path).frames == 2 * SAMPLE_RATE
    info, channels = peaks(path, 10)
    assert info.duration == 2.0 and len(channels) == 2 and len(channels[0]) == 10
    assert 0.45 < max(channels[0]) <= 0.5


# --- the recorder ----------------------------------------------------------------------------

async def test_a_recorded_call_is_one_stereo_wav_with_turns_events_and_scorecard(
    store: CallStore, engines: Engines
) -> None:
    call = await record_demo_call(store, engines, user_id=None)
    call_id = call["call_id"]
    audio, rate = sf.read(str(wav_path(store.settings.data_dir, call_id)), dtype="float32")
    rep, prospect = call["rep"], call["prospect"]
    assert rate == SAMPLE_RATE and audio.shape == (len(rep), 2)
    np.testing.assert_allclose(audio[:, 0], rep, atol=_PCM_TOLERANCE)
    np.testing.assert_allclose(audio[: len(prospect), 1], prospect, atol=_PCM_TOLERANCE)
    assert not audio[len(prospect) :, 1].any()

    record = store.calls.get(call_id)
    assert record is not None and record.status is CallStatus.COMPLETE
    assert record.duration == pytest.approx(len(rep) / SAMPLE_RATE, abs=0.01)
    assert record.overall == call["scorecard"]["overall"] and record.outcome == "conceded"
    turns = store.calls.turns(call_id)
    assert [t.speaker for t in turns] == ["prospect", "rep", "rep"]
    assert turns[2].words and "ten" in turns[2].text.lower() or "10" in turns[2].text
    assert store.calls.scorecard(call_id) == call["scorecard"]
    assert [e.data["type"] for e in store.calls.events(call_id)] == [
        "ready", "prospect", "scorecard"]


async def test_an_unfinished_call_is_playable_and_kept_as_interrupted(
    store: CallStore, db_url: str | None, tmp_path: Path
) -> None:
    call_id = new_call_id()
    recorder = await store.open_call(call_id=call_id, user_id=None, scenario="send-info",
                                     difficulty="normal")
    speech = np.full(3 * SAMPLE_RATE, 0.25, dtype=np.float32)
    for piece in chunks(speech):
        recorder.rep_audio(piece)
        recorder.event({"type": "partial", "text": "..."})
        await asyncio.sleep(0)  # the loop runs the flushes, as in a live call
    # The writes run in a worker thread: on a loaded CI machine 0.2 s was not always enough for
    # the database's (0 events stored, PostgreSQL). Wait until they are there, 10 s at most.
    # The WAV's last flush may land then too: wait until its length stops changing.
    live_wav = tmp_path / "recording" / f"{call_id}.wav"
    deadline, frames = time.monotonic() + 10, -1
    while time.monotonic() < deadline and (
            len(store.calls.events(call_id)) < 100 or sf.info(str(live_wav)).frames != frames):
        frames = sf.info(str(live_wav)).frames
        await asyncio.sleep(0.2)
    # the process "dies" here: nothing is finished or closed
    assert not wav_path(tmp_path, call_id).exists()  # the store gets it at the end
    data, _ = sf.read(str(tmp_path / "recording" / f"{call_id}.wav"), dtype="float32")
    assert len(data) / SAMPLE_RATE >= 3.0 - 1.0  # at most the last second is missing
    assert np.allclose(data[:, 0], 0.25, atol=_PCM_TOLERANCE)
    assert len(store.calls.events(call_id)) >= 100

    restarted = CallStore(Settings(data_dir=tmp_path, database_url=db_url).storage())
    await restarted.start()  # finds the call still "live" and closes it
    record = restarted.calls.get(call_id)
    assert record is not None and record.status is CallStatus.INTERRUPTED
    assert record.duration == pytest.approx(len(data) / SAMPLE_RATE, abs=0.01)
    stored, _ = sf.read(str(wav_path(tmp_path, call_id)), dtype="float32")  # now in the store
    assert len(stored) == len(data) and not (tmp_path / "recording" / f"{call_id}.wav").exists()
    await restarted.close()


async def test_finish_with_a_partial_scorecard_keeps_the_call(store: CallStore) -> None:
    call_id = new_call_id()
    recorder = await store.open_call(call_id=call_id, user_id=None, scenario="send-info",
                                     difficulty="hard")
    recorder.rep_audio(np.zeros(8000, dtype=np.float32))
    recorder.prospect_audio(np.full(16000, 0.1, dtype=np.float32), at=0.25)
    recorder.prospect_cut(0.5)  # barge-in
    partial = {"overall": 40, "outcome": None, "turns": [
        {"index": 0, "speaker": "prospect", "text": "Just send me", "start": 0.25, "end": 0.5,
         "cut": True, "words": []}]}
    await recorder.finish(partial, "interrupted")
    await recorder.finish(partial, "interrupted")  # a second finish is harmless
    record = store.calls.get(call_id)
    assert record is not None and record.status is CallStatus.INTERRUPTED
    assert record.overall == 40 and store.calls.turns(call_id)[0].cut
    data, _ = sf.read(str(wav_path(store.settings.data_dir, call_id)), dtype="float32")
    assert len(data) == 8000  # the cut prospect audio ended inside the rep's half second
    assert data[4000:8000, 1].all() and not data[:4000, 1].any()


async def test_call_ids_that_could_be_paths_are_refused(store: CallStore) -> None:
    for bad in ("../../etc/passwd", "A" * 32, "a" * 31, "a" * 31 + "/"):
        with pytest.raises(StorageError):
            await store.open_call(call_id=bad, user_id=None, scenario="x", difficulty="normal")


async def test_migrations_run_again_without_harm(store: CallStore, db_url: str | None,
                                                 tmp_path: Path) -> None:
    again = CallStore(Settings(data_dir=tmp_path, database_url=db_url).storage())
    await again.start()
    assert again.accounts.count() == 0
    await again.close()


# --- accounts --------------------------------------------------------------------------------

async def test_passwords_and_tokens_are_stored_only_as_hashes(store: CallStore) -> None:
    accounts = store.accounts
    ann = accounts.create("ann", Role.MANAGER, "correct horse")
    assert accounts.check_password("ann", "correct horse") == ann
    assert accounts.check_password("ann", "wrong horse") is None
    assert accounts.check_password("nobody", "correct horse") is None
    token = accounts.issue_token(ann.id, TokenKind.API)
    assert accounts.user_for_token(token, TokenKind.API) == ann
    assert accounts.user_for_token(token, TokenKind.SESSION) is None
    with store.engine.connect() as conn:
        stored = conn.execute(select(TokenRow.token_hash)).scalars().all()
    assert token not in stored and len(stored) == 1
    accounts.revoke_token(token)
    assert accounts.user_for_token(token) is None


async def test_a_write_applied_twice_is_kept_once(store: CallStore) -> None:
    """A commit whose answer was lost is retried: the retry must not double the call."""
    call_id = new_call_id()
    recorder = await store.open_call(call_id=call_id, user_id=None, scenario="send-info",
                                     difficulty="normal")
    record = await asyncio.to_thread(store.calls.get, call_id)
    assert record is not None
    events = [StoredEvent(0, 0.0, {"type": "ready"}), StoredEvent(1, 0.5, {"type": "backchannel"})]
    for _ in range(2):  # as the retry after a lost commit acknowledgement would
        InsertCall(record).apply(store.calls)
        AddEvents(call_id, events).apply(store.calls)
    AddEvents(call_id, [*events, StoredEvent(2, 0.9, {"type": "transcript"})]).apply(store.calls)
    await recorder.finish(None, CallStatus.COMPLETE)
    kept = await asyncio.to_thread(store.calls.events, call_id)
    assert [(e.seq, e.data["type"]) for e in kept] == \
        [(0, "ready"), (1, "backchannel"), (2, "transcript")]
    found, total = await asyncio.to_thread(store.calls.search, CallFilter(limit=10))
    assert total == 1


def test_a_pending_file_saved_before_the_rep_fields_were_renamed_still_loads(
    tmp_path: Path,
) -> None:
    """Writes an older server saved while the database was down (the call's user as user_id,
    turns as plain dicts) are applied by this one after an upgrade."""
    call_id = new_call_id()
    record = {"id": call_id, "user_id": "a" * 32, "user_name": None, "scenario": "send-info",
              "difficulty": "normal", "source": "practice", "started_at": "2026-11-30T01:00:00Z",
              "ended_at": None, "status": "live", "outcome": None, "overall": None,
              "duration": 0.0, "audio_path": f"calls/{call_id}.wav"}
    turn = {"index": 0, "speaker": "rep", "text": "Hi there", "start": 0.5, "end": 1.2,
            "cut": False, "words": [{"text": "Hi", "start": 0.5, "end": 0.8, "probability": 0.9},
                                    {"text": "there", "start": 0.8, "end": 1.2}]}
    path = tmp_path / f"{call_id}{SPOOL_SUFFIX}"
    path.write_text(json.dumps([
        {"op": "insert", "record": record, "server_id": None, "lease_until": None},
        {"op": "finish", "call_id": call_id, "status": "complete",
         "ended_at": "2026-11-30T01:05:00Z", "duration": 1.2, "scorecard": None,
         "turns": [turn]}]))
    insert, finish = load_spool(path)
    assert isinstance(insert, InsertCall) and isinstance(finish, FinishCall)
    assert insert.record.rep_id == "a" * 32 and insert.record.rep_name is None
    [heard] = finish.turns
    assert heard.speaker is Speaker.REP and heard.words[1] == Word("there", 0.8, 1.2, 1.0)
