"""Recordings in a store (issue 21): the same multipart upload, range and recovery code
against the folder default and a real SeaweedFS S3 gateway (tests/support/seaweed.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from server.settings import Settings
from server.storage import CallStatus, CallStore
from server.storage.audio_writer import (
    HEADER_BYTES,
    StereoWavWriter,
    interleave,
    peaks,
    read_info,
)
from server.storage.objects import FolderStore, ObjectStore, ObjectStoreError
from server.storage.replay import find_recording, recording_file
from server.storage.s3 import S3Store, parse_s3_url
from server.storage.upload import CallUpload, finish_abandoned
from server.storage.wav_range import RangeNotSatisfiable, parse_range, read_recording
from tests.support.seaweed import SeaweedS3, seaweed  # noqa: F401 - a fixture
from tests.support.storage_fixtures import chunks, new_call_id
from voices.audio import SAMPLE_RATE

PART = 5 * 1024 * 1024  # S3's smallest part; SeaweedFS refuses less, as AWS does


def _s3(endpoint: str, prefix: str) -> S3Store:
    store = S3Store(f"s3://recordings/{prefix}", endpoint_url=endpoint, access_key_id="test",
                    secret_access_key="test", region=None)
    store.ensure_bucket()
    return store


@pytest.fixture(params=["folder", "s3"])
def objects(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "folder":
        return FolderStore(tmp_path / "store")
    seaweed: SeaweedS3 = request.getfixturevalue("seaweed")
    return _s3(seaweed.endpoint, new_call_id())


def _noise(seconds: float, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-0.5, 0.5, int(seconds * SAMPLE_RATE)).astype(
        np.float32)


def _stored(objects: ObjectStore, key: str) -> bytes:
    size = objects.size(key)
    return b"".join(read_recording(objects, key, 0, size, size))


def test_s3_urls_name_a_bucket_and_a_prefix() -> None:
    assert parse_s3_url("s3://calls").prefix == ""
    assert parse_s3_url("s3://calls/team/a/").prefix == "team/a/"
    for bad in ("http://calls/x", "s3:///x", "s3://calls/../x"):
        with pytest.raises((ValueError, ObjectStoreError)):
            parse_s3_url(bad)


def test_ranges_follow_rfc_9110() -> None:
    assert parse_range(None, 100) is None and parse_range("bytes=0-9,20-29", 100) is None
    first = parse_range("bytes=0-9", 100)
    assert first is not None and (first.start, first.end, first.content_range) == (
        0, 10, "bytes 0-9/100")
    tail = parse_range("bytes=-30", 100)
    assert tail is not None and (tail.start, tail.end) == (70, 100)
    open_end = parse_range("bytes=90-", 100)
    assert open_end is not None and (open_end.start, open_end.end) == (90, 100)
    clipped = parse_range("bytes=95-500", 100)
    assert clipped is not None and clipped.end == 100
    for bad in ("bytes=100-", "bytes=-0", "bytes=50-40"):
        with pytest.raises(RangeNotSatisfiable):
            parse_range(bad, 100)


def test_a_growing_wav_goes_up_in_parts_and_a_dead_servers_upload_is_playable(
    objects: ObjectStore, tmp_path: Path
) -> None:
    """100 s of call (3 parts of 5 MiB): sent as it grows; the server 'dies' after its last
    send; another completes the upload from the parts: everything sent plays, header true."""
    local = tmp_path / "live.wav"
    writer = StereoWavWriter(local, SAMPLE_RATE)
    sent_keys = "calls/" + new_call_id() + ".wav"
    started: list[str] = []
    upload = CallUpload(objects, sent_keys, PART, on_started=started.append)
    rep, prospect = _noise(100.0, 1), _noise(100.0, 2)
    step = 25 * SAMPLE_RATE
    for start in range(0, len(rep), step):  # four sends, each after 25 s more of the call
        writer.append(interleave(rep[start:start + step], prospect[start:start + step]))
        upload.sync(local)
    assert len(started) == 1 and upload.sent_bytes == local.stat().st_size
    writer.append(interleave(_noise(3.0, 3), _noise(3.0, 4)))  # never sent: the server dies
    del writer, upload

    size = finish_abandoned(objects, sent_keys, started[0], PART, local=None)
    assert size == HEADER_BYTES + len(rep) * 4
    data = _stored(objects, sent_keys)
    copy = tmp_path / "replayed.wav"
    copy.write_bytes(data)
    audio, rate = sf.read(str(copy), dtype="float32")
    assert rate == SAMPLE_RATE and audio.shape == (len(rep), 2)
    np.testing.assert_allclose(audio[:, 0], rep, atol=2 / 32768)
    assert read_info(copy).frames == len(rep)
    # finishing it again (a second server saw the same lapsed lease) changes nothing
    assert finish_abandoned(objects, sent_keys, started[0], PART, local=None) == size


def test_a_finished_call_is_the_local_file_byte_for_byte_and_reads_by_range(
    objects: ObjectStore, tmp_path: Path
) -> None:
    local = tmp_path / "done.wav"
    writer = StereoWavWriter(local, SAMPLE_RATE)
    key = f"calls/{new_call_id()}.wav"
    upload = CallUpload(objects, key, PART)
    writer.append(interleave(_noise(50.0, 5), _noise(50.0, 6)))
    upload.sync(local)  # part 1 goes up with 'length unknown' in its header
    writer.append(interleave(_noise(40.0, 7), _noise(40.0, 8)))
    writer.close()
    upload.sync(local, final=True)
    whole = local.read_bytes()
    size = objects.size(key)
    assert size == len(whole)
    assert b"".join(objects.read(key, 0, size)) == whole  # the header was sent again, true
    for start, end in ((0, 10), (40, 50), (PART - 7, PART + 9), (size - 5, size)):
        assert b"".join(read_recording(objects, key, start, end, size)) == whole[start:end]


def test_a_missing_object_is_told_apart(objects: ObjectStore) -> None:
    with pytest.raises(ObjectStoreError) as err:
        objects.size(f"calls/{new_call_id()}.wav")
    assert err.value.missing
    with pytest.raises(ObjectStoreError):
        objects.size("../outside.wav")


def _settings(tmp_path: Path, objects_kind: str, seaweed: SeaweedS3 | None) -> Settings:
    if objects_kind == "folder":
        return Settings(data_dir=tmp_path)
    assert seaweed is not None
    return Settings(data_dir=tmp_path, storage_url=f"s3://recordings/{new_call_id()}",
                    storage_endpoint_url=seaweed.endpoint, storage_access_key_id="test",
                    storage_secret_access_key="test", storage_upload_every_s=0.2)


@pytest.mark.parametrize("kind", ["folder", "s3"])
async def test_the_recorder_stores_the_call_and_replay_reads_it_from_the_store(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    seaweed = request.getfixturevalue("seaweed") if kind == "s3" else None
    store = CallStore(_settings(tmp_path, kind, seaweed).storage())
    await store.start()
    try:
        call_id = new_call_id()
        recorder = await store.open_call(call_id=call_id, user_id=None, scenario="send-info",
                                         difficulty="normal")
        speech = np.full(2 * SAMPLE_RATE, 0.25, dtype=np.float32)
        for piece in chunks(speech):
            recorder.rep_audio(piece)
            await asyncio.sleep(0)
        record = store.calls.get(call_id)
        assert record is not None
        for _ in range(100):  # the flush to disk runs in a thread: bounded wait for it
            live = find_recording(store, record)  # this server reads the WAV it writes
            if live.size > HEADER_BYTES:
                break
            await asyncio.sleep(0.02)
        assert live.size > HEADER_BYTES
        await recorder.finish(None, CallStatus.COMPLETE)
        assert store.local_recording(call_id) is None  # stateless: the store has it
        record = store.calls.get(call_id)
        assert record is not None and record.duration == pytest.approx(2.0, abs=0.01)
        found = find_recording(store, record)
        data = b"".join(found.read(0, found.size))
        copy = tmp_path / "copy.wav"
        copy.write_bytes(data)
        audio, _ = sf.read(str(copy), dtype="float32")
        assert audio.shape == (len(speech), 2)
        np.testing.assert_allclose(audio[:, 0], 0.25, atol=2 / 32768)
        assert store.recorded_seconds(record) == pytest.approx(2.0, abs=0.01)
        with recording_file(found) as path:  # the peaks route reads a file (downloaded)
            info, channels = peaks(path, 4)
        assert info.frames == len(speech) and channels[0] == [0.25] * 4
        assert await store.delete_call(record)
        with pytest.raises(ObjectStoreError):
            store.objects.size(record.audio_path)
    finally:
        await store.close()


async def test_a_store_that_is_down_keeps_the_recording_until_it_is_back(
    tmp_path: Path, seaweed: SeaweedS3
) -> None:
    """The bucket is unreachable when the call ends: the WAV stays on this disk, the call
    row is stored, and the next start sends it."""
    dead = Settings(data_dir=tmp_path, storage_url="s3://recordings/down",
                    storage_endpoint_url="http://127.0.0.1:9", storage_access_key_id="t",
                    storage_secret_access_key="t")
    store = CallStore(dead.storage())
    await store.start()
    call_id = new_call_id()
    recorder = await store.open_call(call_id=call_id, user_id=None, scenario="send-info",
                                     difficulty="normal")
    recorder.rep_audio(np.full(SAMPLE_RATE, 0.1, dtype=np.float32))
    await recorder.finish(None, CallStatus.COMPLETE)
    assert store.local_recording(call_id) is not None
    record = store.calls.get(call_id)
    assert record is not None and record.status is CallStatus.COMPLETE
    await store.close()

    back = Settings(data_dir=tmp_path, storage_url="s3://recordings/down",
                    storage_endpoint_url=seaweed.endpoint, storage_access_key_id="t",
                    storage_secret_access_key="t")
    again = CallStore(back.storage())
    await again.start()
    try:
        assert again.local_recording(call_id) is None
        assert again.objects.size(record.audio_path) == HEADER_BYTES + SAMPLE_RATE * 4
    finally:
        await again.close()
