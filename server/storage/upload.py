"""A call's WAV sent to the store as it grows: a multipart upload whose open part is sent
again, larger, each time, so a dead server loses only what came after its last send.

S3 refuses a completed upload whose parts, all but the last, are under 5 MiB (82 s of
stereo 16 kHz audio). Part n holds bytes [(n-1)*P, n*P) of the file: while it fills it is
re-sent under the same number (S3 replaces a part sent twice), and once full it stays.
So every ~`upload_every_s` of a live call at most P bytes go up, and whoever completes the
upload (the recording server, or the one that reaped its lease) has valid parts.

The header the first part carries while the call runs says "length unknown" (0xFFFFFFFF,
as streamed WAVs do); the end of a call sends the first part again with the true sizes.
Replay patches the header from the object's size either way (server/storage/wav_range.py).
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from server.storage.audio_writer import HEADER_BYTES
from server.storage.objects import ObjectStore, ObjectStoreError, Part, latest_parts

MIN_PART_BYTES = 5 * 1024 * 1024  # S3's smallest part but the last
_UNKNOWN = 0xFFFFFFFF


def patch_header(first: bytes, total: int | None) -> bytes:
    """The first bytes of a WAV with RIFF and data sizes for a file of `total` bytes
    (None: unknown, still growing). Leaves anything but our 44-byte header alone."""
    if len(first) < HEADER_BYTES or first[36:40] != b"data" or first[:4] != b"RIFF":
        return first
    riff = _UNKNOWN if total is None else max(0, total - 8)
    data = _UNKNOWN if total is None else max(0, total - HEADER_BYTES)
    return b"".join((first[:4], struct.pack("<I", riff), first[8:40], struct.pack("<I", data),
                     first[HEADER_BYTES:]))


class CallUpload:
    """Sends one local WAV up as it grows; `sync` is called from one thread at a time."""

    def __init__(self, store: ObjectStore, key: str, part_bytes: int, *,
                 upload_id: str | None = None, parts: list[Part] | None = None,
                 on_started: Callable[[str], None] | None = None) -> None:
        if part_bytes < 1:
            raise ValueError("part_bytes must be positive")
        self.store = store
        self.key = key
        self.part_bytes = part_bytes
        self.upload_id = upload_id
        self._parts: dict[int, Part] = {p.number: p for p in parts or []}
        self._on_started = on_started
        self._lock = threading.Lock()
        self.completed = False

    @classmethod
    def resume(cls, store: ObjectStore, key: str, upload_id: str, part_bytes: int) -> CallUpload:
        """An upload another process began, with the parts the store holds for it."""
        return cls(store, key, part_bytes, upload_id=upload_id,
                   parts=latest_parts(store.list_parts(key, upload_id)))

    @property
    def sent_bytes(self) -> int:
        """Bytes of the file the store holds (in parts), from the start."""
        return sum(p.size for p in self._parts.values())

    def sync(self, path: Path, *, final: bool = False) -> int:
        """Send what the file gained since the last call (and complete it if `final`);
        returns the bytes the store now holds. Raises ObjectStoreError (nothing is lost:
        the next call sends the same bytes again)."""
        with self._lock:
            if self.completed:
                return self.sent_bytes
            if self.upload_id is None:
                self.upload_id = self.store.start_upload(self.key)
                if self._on_started is not None:
                    self._on_started(self.upload_id)
            with open(path, "rb") as f:
                size = f.seek(0, 2)
                try:
                    self._send_grown(f, size)
                except ObjectStoreError as err:
                    if not err.missing:
                        raise
                    # another server completed the upload, taking this one for dead (the
                    # database was out of reach past the lease): the whole WAV again
                    self._restart()
                    self._send_grown(f, size)
                if final:
                    self._finish(f, size)
            return self.sent_bytes

    def _restart(self) -> None:
        self._parts.clear()
        self.upload_id = self.store.start_upload(self.key)
        if self._on_started is not None:
            self._on_started(self.upload_id)

    def complete_as_is(self) -> int:
        """Complete with the parts already sent (their server is gone); returns the size."""
        with self._lock:
            if self.upload_id is None or self.completed:
                return self.sent_bytes
            parts = [self._parts[n] for n in sorted(self._parts)]
            if parts:
                self.store.complete(self.key, self.upload_id, parts)
            else:
                self.store.abort(self.key, self.upload_id)
            self.completed = True
            return self.sent_bytes

    def _send_grown(self, f: BinaryIO, size: int) -> None:
        number = 1
        while (number - 1) * self.part_bytes < size:
            start = (number - 1) * self.part_bytes
            length = min(self.part_bytes, size - start)
            held = self._parts.get(number)
            if held is None or held.size < length:
                self._send(f, number, start, length, None)
            number += 1

    def _finish(self, f: BinaryIO, size: int) -> None:
        if self.upload_id is None:
            raise ObjectStoreError(f"{self.key}: the upload was not started")
        # the first part again, now with the true sizes in its header
        self._send(f, 1, 0, min(self.part_bytes, size), size)
        parts = [self._parts[n] for n in sorted(self._parts)]
        self.store.complete(self.key, self.upload_id, parts)
        self.completed = True

    def _send(self, f: BinaryIO, number: int, start: int, length: int,
              total: int | None) -> None:
        f.seek(start)
        data = f.read(length)
        if number == 1:
            data = patch_header(data, total)
        if self.upload_id is None:
            raise ObjectStoreError(f"{self.key}: the upload was not started")
        self._parts[number] = self.store.upload_part(self.key, self.upload_id, number, data)


def finish_abandoned(store: ObjectStore, key: str, upload_id: str, part_bytes: int,
                     local: Path | None) -> int:
    """Complete an upload whose recording server stopped: from the local WAV when this is
    that server (restarted), else from the parts it sent. Returns the object's size."""
    try:
        upload = CallUpload.resume(store, key, upload_id, part_bytes)
    except ObjectStoreError as err:
        if not err.missing:
            raise
        return store.size(key)  # completed already (by its server, or another reaper)
    if local is not None and local.is_file():
        upload.sync(local, final=True)
        return store.size(key)
    upload.complete_as_is()
    if not upload.sent_bytes:
        raise ObjectStoreError(f"{key}: nothing was uploaded", missing=True)
    return store.size(key)

