"""Where finished recordings live: a folder (the default) or an S3-compatible bucket.

Both speak the same small multipart vocabulary, so the recorder, the replay route and the
lease reaper run one code path whichever is configured: a call's WAV goes up as numbered
parts while it runs (a part may be sent again, larger, under the same number), and the
upload is completed into one object at the end, by the server that recorded it or, if that
server died, by the one that reaped its lease.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import urlsplit

from server.storage.settings import StorageSettings

_KEY = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")
_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
READ_CHUNK = 64 * 1024


class ObjectStoreError(Exception):
    """The store refused or could not be reached; `missing` when the object is not there."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


@dataclass(frozen=True)
class Part:
    """One uploaded part: its number (1-based), the store's tag for it, and its size."""

    number: int
    etag: str
    size: int


class ObjectStore(Protocol):
    """The operations recordings need; keys are relative ('calls/<id>.wav')."""

    description: str

    def start_upload(self, key: str) -> str:
        """Begin a multipart upload; returns its id."""

    def upload_part(self, key: str, upload_id: str, number: int, data: bytes) -> Part:
        """Send (or send again, replacing) part `number`."""

    def list_parts(self, key: str, upload_id: str) -> list[Part]:
        """The parts the store holds for an unfinished upload, one per number, in order."""

    def complete(self, key: str, upload_id: str, parts: list[Part]) -> None:
        """Join the parts into the object."""

    def abort(self, key: str, upload_id: str) -> None:
        """Drop an unfinished upload and its parts."""

    def size(self, key: str) -> int:
        """The object's size in bytes; ObjectStoreError(missing=True) if there is none."""

    def read(self, key: str, start: int, end: int) -> Iterator[bytes]:
        """Bytes [start, end) of the object, in chunks."""

    def delete(self, key: str) -> None:
        """Remove the object; no error if it is not there."""


def open_object_store(settings: StorageSettings) -> ObjectStore:
    """The store the settings name: the folder data_dir by default, file:///a/folder, or
    s3://bucket/prefix."""
    if not settings.storage_url:
        return FolderStore(settings.data_dir)
    if settings.storage_url.startswith("file://"):  # a folder several servers mount
        return FolderStore(Path(urlsplit(settings.storage_url).path))
    from server.storage.s3 import S3Store  # boto3 loads only where a bucket is configured

    return S3Store(settings.storage_url, endpoint_url=settings.s3_endpoint_url,
                   access_key_id=settings.s3_access_key_id,
                   secret_access_key=settings.s3_secret_access_key, region=settings.s3_region)


def latest_parts(listed: list[Part]) -> list[Part]:
    """One part per number: the largest. A recording's open part only grows, so its
    biggest upload is its latest (some stores list every upload of a number, not the last)."""
    best: dict[int, Part] = {}
    for part in listed:
        if part.number not in best or part.size > best[part.number].size:
            best[part.number] = part
    return [best[n] for n in sorted(best)]


def check_key(key: str) -> str:
    """Keys are relative paths of plain names: nothing that could climb out of the root."""
    if not _KEY.match(key) or any(piece in (".", "..") for piece in key.split("/")):
        raise ObjectStoreError(f"object key {key!r} refused")
    return key


class FolderStore:
    """A directory as the store: the object 'calls/x.wav' is the file root/calls/x.wav.

    Parts of unfinished uploads are files under root/.multipart/<upload id>/, written to a
    temporary name and renamed, so a part is whole or absent after a crash.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.description = f"folder {self.root}"
        self._uploads = self.root / ".multipart"

    def path(self, key: str) -> Path:
        """The file that holds the object `key`."""
        return self.root / check_key(key)

    def _upload_dir(self, upload_id: str) -> Path:
        if not _UPLOAD_ID.match(upload_id):
            raise ObjectStoreError(f"upload id {upload_id!r} refused")
        return self._uploads / upload_id

    def start_upload(self, key: str) -> str:
        check_key(key)
        upload_id = uuid.uuid4().hex
        folder = self._upload_dir(upload_id)
        folder.mkdir(parents=True)
        (folder / "key").write_text(key)
        return upload_id

    def upload_part(self, key: str, upload_id: str, number: int, data: bytes) -> Part:
        folder = self._upload_dir(upload_id)
        if not folder.is_dir():
            raise ObjectStoreError(f"no upload {upload_id} for {key}", missing=True)
        target = folder / f"{number:05d}.part"
        scratch = target.with_suffix(".tmp")
        with open(scratch, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(scratch, target)
        return Part(number, f"{number}-{len(data)}", len(data))

    def list_parts(self, key: str, upload_id: str) -> list[Part]:
        folder = self._upload_dir(upload_id)
        if not folder.is_dir():
            raise ObjectStoreError(f"no upload {upload_id} for {key}", missing=True)
        parts = []
        for path in sorted(folder.glob("*.part")):
            size = path.stat().st_size
            number = int(path.stem)
            parts.append(Part(number, f"{number}-{size}", size))
        return parts

    def complete(self, key: str, upload_id: str, parts: list[Part]) -> None:
        folder = self._upload_dir(upload_id)
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = target.with_name(f".{target.name}.{upload_id}")
        try:
            with open(scratch, "wb") as out:
                for part in parts:
                    with open(folder / f"{part.number:05d}.part", "rb") as f:
                        shutil.copyfileobj(f, out)
                out.flush()
                os.fsync(out.fileno())
        except FileNotFoundError as err:
            scratch.unlink(missing_ok=True)
            raise ObjectStoreError(f"upload {upload_id} lacks a part: {err}",
                                   missing=True) from err
        os.replace(scratch, target)
        shutil.rmtree(folder, ignore_errors=True)

    def abort(self, key: str, upload_id: str) -> None:
        shutil.rmtree(self._upload_dir(upload_id), ignore_errors=True)

    def size(self, key: str) -> int:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError as err:
            raise ObjectStoreError(f"no object {key}", missing=True) from err

    def read(self, key: str, start: int, end: int) -> Iterator[bytes]:
        try:
            f = open(self.path(key), "rb")  # noqa: SIM115 - closed when the generator ends
        except FileNotFoundError as err:
            raise ObjectStoreError(f"no object {key}", missing=True) from err
        return _chunks(f, start, end)

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


def _chunks(handle: BinaryIO, start: int, end: int) -> Iterator[bytes]:
    try:
        handle.seek(start)
        left = end - start
        while left > 0:
            chunk = handle.read(min(READ_CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk
    finally:
        handle.close()
