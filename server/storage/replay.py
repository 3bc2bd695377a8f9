"""A stored call's recording read back, wherever it is: this server's disk while the call
runs here, else the store (folder or bucket). Used by the replay routes."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from server.storage.objects import FolderStore, ObjectStore, ObjectStoreError
from server.storage.recorder import CallStore
from server.storage.repository import CallRecord
from server.storage.wav_range import read_recording


class NoRecording(Exception):
    """The call has no recording anyone can read (yet, or any more)."""


@dataclass(frozen=True)
class Recording:
    """What one replay request reads: the bytes' source and their total size."""

    objects: ObjectStore
    key: str
    size: int

    def read(self, start: int, end: int) -> Iterator[bytes]:
        """Bytes [start, end), the WAV header's sizes made true."""
        return read_recording(self.objects, self.key, start, end, self.size)


def find_recording(store: CallStore, record: CallRecord) -> Recording:
    """The recording of `record`; a live call's own server reads the WAV it is writing."""
    key = store.audio_key(record)
    local = store.local_recording(record.id)
    if local is not None:  # this server is recording it (or holds it for the store)
        here = FolderStore(local.parent)
        return Recording(here, local.name, local.stat().st_size)
    try:
        return Recording(store.objects, key, store.objects.size(key))
    except ObjectStoreError as err:
        raise NoRecording(f"call {record.id}: {err}") from err


@contextmanager
def recording_file(recording: Recording) -> Iterator[Path]:
    """The recording as a local file (a folder store's own, else a temporary download)."""
    if isinstance(recording.objects, FolderStore):
        yield recording.objects.path(recording.key)
        return
    with tempfile.NamedTemporaryFile(suffix=".wav") as copy:
        for chunk in recording.read(0, recording.size):
            copy.write(chunk)
        copy.flush()
        yield Path(copy.name)
