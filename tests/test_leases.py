"""Call leases (issue 21): two servers share one database and one store; a server that stops
renewing has its call closed by the other, the audio it sent kept playable. Here on SQLite
with a shared folder store (the default kind of store); tests/test_multi_server.py runs the
same code on PostgreSQL and SeaweedFS (S3) with real server processes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import pytest_asyncio
import soundfile as sf

from dialog.scenario import builtin_catalog
from scoring.turns import Speaker
from server.protocol import ProspectAudioEndEvent, ProspectEvent, TranscriptEvent
from server.settings import Settings
from server.storage import CallStatus, CallStore
from server.storage.replay import find_recording
from tests.support.seaweed import SeaweedS3, seaweed  # noqa: F401 - a fixture
from tests.support.storage_fixtures import chunks, database_url_for, new_call_id
from voices.audio import SAMPLE_RATE

LEASE_S = 3.0  # the shortest the settings allow; the default is 20
ASKED = "Look, I'm slammed this week. Just send me some information and I'll have a look."
GAVE = "Sure, I'll just email you the brochure."


@dataclass
class Pair:
    a: CallStore
    b: CallStore


@pytest_asyncio.fixture(params=["sqlite+folder"])
async def pair(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Pair]:
    database, objects = request.param.split("+")
    urls = database_url_for(database)
    url = next(urls) or f"sqlite:///{tmp_path / 'shared.db'}"
    if objects == "folder":
        where: dict[str, str] = {"storage_url": f"file://{tmp_path / 'shared-store'}"}
    else:
        s3: SeaweedS3 = request.getfixturevalue("seaweed")
        where = {"storage_url": f"s3://recordings/{new_call_id()}",
                 "storage_endpoint_url": s3.endpoint, "storage_access_key_id": "t",
                 "storage_secret_access_key": "t"}

    scenarios = builtin_catalog().scenarios  # what the app hands its store

    def server(name: str) -> CallStore:
        return CallStore(Settings(data_dir=tmp_path / name, database_url=url, server_id=name,
                                  lease_s=LEASE_S, storage_upload_every_s=0.2,
                                  **where).storage(), scenario_for=scenarios.get)

    a, b = server("a"), server("b")
    await a.start()
    await b.start()
    try:
        yield Pair(a, b)
    finally:
        await b.close()
        await a.close()
        for _ in urls:  # drop the PostgreSQL schema
            pass


async def _speak(recorder: object, seconds: float, level: float) -> None:
    for piece in chunks(np.full(int(seconds * SAMPLE_RATE), level, dtype=np.float32)):
        recorder.rep_audio(piece)  # type: ignore[attr-defined]
        await asyncio.sleep(0.004)  # a live call's pace, roughly (5x real time)


async def _until(check, seconds: float) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not await asyncio.to_thread(check):
        assert time.monotonic() < deadline, f"not within {seconds} s"
        await asyncio.sleep(0.1)


async def test_a_dead_servers_call_is_closed_by_the_other_with_its_sent_audio(
    pair: Pair, tmp_path: Path
) -> None:
    call_id = new_call_id()
    recorder = await pair.a.open_call(call_id=call_id, user_id=None, scenario="send-info",
                                      difficulty="normal")
    # the call's events as the socket stores them: the prospect's line, then the rep's answer
    recorder.event(ProspectEvent(turn=0, text=ASKED, state="opening").model_dump(mode="json"))
    await _speak(recorder, 2.0, 0.25)
    recorder.event(ProspectAudioEndEvent(turn=0, duration=1.5).model_dump(mode="json"))
    await _speak(recorder, 1.0, 0.25)
    words = [{"text": w, "start": 2.0 + i * 0.12, "end": 2.1 + i * 0.12, "probability": 0.9}
             for i, w in enumerate(GAVE.split())]
    recorder.event(TranscriptEvent(turn=1, text=GAVE, start=2.0, end=2.8, words=words)
                   .model_dump(mode="json"))
    await _until(lambda: (lease := pair.a.leases.get(call_id)) is not None
                 and lease.upload_id is not None and recorder.upload.sent_bytes > 0, 5)
    # a renewing server keeps its call: past a whole lease, the other closes nothing
    await asyncio.sleep(LEASE_S + 0.5)
    assert await asyncio.to_thread(pair.b.reap) == 0
    record = pair.b.calls.get(call_id)
    assert record is not None and record.status is CallStatus.LIVE

    await _speak(recorder, 1.0, 0.25)  # more call: its WAV goes up again
    if recorder._uploading is not None:
        await recorder._uploading
    sent = recorder.upload.sent_bytes
    assert sent > 44 + 2 * SAMPLE_RATE * 4  # over 2 s of the 4 s call went up
    # server a "dies": it stops renewing (its thread ends) and sends nothing more
    assert pair.a._leasing is not None
    pair.a._stop_leasing.set()
    upload, recorder.upload = recorder.upload, None
    started = time.monotonic()
    await _until(lambda: pair.b.calls.get(call_id).status is CallStatus.INTERRUPTED, 4 * LEASE_S)
    closed_after = time.monotonic() - started
    assert closed_after < 2 * LEASE_S  # lapse + one renewal round (20 s + 7 s by default)

    record = pair.b.calls.get(call_id)
    assert record is not None and record.duration == pytest.approx((sent - 44) / 64000, abs=0.01)
    assert pair.b.leases.get(call_id) is None
    found = find_recording(pair.b, record)
    copy = tmp_path / "replayed.wav"
    copy.write_bytes(b"".join(found.read(0, found.size)))
    audio, rate = sf.read(str(copy), dtype="float32")
    assert rate == SAMPLE_RATE and len(audio) == (sent - 44) // 4
    np.testing.assert_allclose(audio[:, 0], 0.25, atol=2 / 32768)
    # what was heard before the death is kept and scored from the stored events
    turns = pair.b.calls.turns(call_id)
    assert [(t.index, t.speaker, t.start, t.end) for t in turns] == [
        (0, Speaker.PROSPECT, 0.0, 1.5), (1, Speaker.REP, 2.0, 2.8)]
    assert [w.text for w in turns[1].words] == GAVE.split()
    card = pair.b.calls.scorecard(call_id)
    assert card is not None and card["outcome"] == "no_decision"
    assert card["scenario"] == "send-info" and card["transcript"] == GAVE
    assert [(c["turn"], c["kind"], c["quote"]) for c in card["concessions"]] == [
        (1, "info", GAVE)]
    record = pair.b.calls.get(call_id)
    assert record is not None and record.overall == card["overall"]

    # server a was only cut off (from the database, past its lease): it comes back and ends
    # the call; its whole WAV goes up again, in a new upload, and the call is complete
    recorder.upload = upload
    await recorder.finish(None, CallStatus.COMPLETE)
    record = pair.b.calls.get(call_id)
    assert record is not None and record.status is CallStatus.COMPLETE
    whole = find_recording(pair.b, record)
    assert whole.size > found.size and record.duration == pytest.approx(
        (whole.size - 44) / 64000, abs=0.01)


async def test_a_server_starting_leaves_the_live_calls_of_others_alone(
    tmp_path: Path
) -> None:
    """Before leases, every start closed every live call: on a floor, each restart of one
    server would have cut the calls of all the others (and so did `walkaway users`)."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    where = f"file://{tmp_path / 'shared-store'}"

    def server(name: str) -> CallStore:
        return CallStore(Settings(data_dir=tmp_path / name, database_url=url, server_id=name,
                                  storage_url=where).storage())

    a = server("a")
    await a.start()
    try:
        call_id = new_call_id()
        recorder = await a.open_call(call_id=call_id, user_id=None, scenario="send-info",
                                     difficulty="normal")
        recorder.rep_audio(np.zeros(SAMPLE_RATE, dtype=np.float32))
        b = server("b")
        await b.start()
        await b.close()
        tool = server("a")  # a command-line tool on server a's own machine and settings
        await asyncio.to_thread(tool.start_sync, recover=False)
        tool.engine.dispose()
        record = a.calls.get(call_id)
        assert record is not None and record.status is CallStatus.LIVE
        await recorder.finish(None, CallStatus.COMPLETE)
    finally:
        await a.close()
