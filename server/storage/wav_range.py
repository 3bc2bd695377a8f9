"""A recording read back from the store for replay: one HTTP byte range, header sizes true.

Kept free of the web framework so the folder and the S3 store are served by the same code;
server/http turns a `ByteRange` into a 206 (or the whole object into a 200).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from server.storage.audio_writer import HEADER_BYTES
from server.storage.objects import ObjectStore
from server.storage.upload import patch_header

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$")


class RangeNotSatisfiable(Exception):
    """The Range asks for bytes past the end (HTTP 416)."""

    def __init__(self, total: int) -> None:
        super().__init__(f"bytes */{total}")
        self.total = total


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # exclusive
    total: int

    @property
    def length(self) -> int:
        return self.end - self.start

    @property
    def content_range(self) -> str:
        return f"bytes {self.start}-{self.end - 1}/{self.total}"


def parse_range(header: str | None, total: int) -> ByteRange | None:
    """The one range a `Range` header asks for, or None for the whole object (no header,
    or a form this server does not serve piecewise, such as several ranges)."""
    if not header:
        return None
    match = _RANGE.match(header)
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        count = int(last)
        if count == 0:
            raise RangeNotSatisfiable(total)
        return ByteRange(max(0, total - count), total, total)
    start = int(first)
    end = min(total, int(last) + 1) if last else total
    if start >= total or end <= start:
        raise RangeNotSatisfiable(total)
    return ByteRange(start, end, total)


def read_recording(store: ObjectStore, key: str, start: int, end: int,
                   total: int) -> Iterator[bytes]:
    """Bytes [start, end) of a stored WAV whose header says its true size, whatever the
    header the upload left (a reaped call keeps the 'length unknown' of a live one)."""
    if start < HEADER_BYTES:
        head = b"".join(store.read(key, 0, min(HEADER_BYTES, total)))
        yield patch_header(head, total)[start:min(end, HEADER_BYTES)]
        start = HEADER_BYTES
    if start < end:
        yield from store.read(key, start, end)
