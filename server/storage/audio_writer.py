"""A stereo PCM16 WAV written as it grows, playable at every moment, and read back for peaks.

The RIFF and data sizes in the header are rewritten after every append, so a file whose
writer died (crash, kill) is still a valid WAV holding everything flushed so far.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

CHANNELS = 2
SAMPLE_WIDTH = 2
HEADER_BYTES = 44


class WavFormatError(Exception):
    """The file is not a PCM16 WAV this module can read."""


def _header(rate: int, data_bytes: int) -> bytes:
    block = CHANNELS * SAMPLE_WIDTH
    return b"".join((
        b"RIFF", struct.pack("<I", 36 + data_bytes), b"WAVE",
        b"fmt ", struct.pack("<IHHIIHH", 16, 1, CHANNELS, rate, rate * block, block, 16),
        b"data", struct.pack("<I", data_bytes),
    ))


def interleave(left: np.ndarray, right: np.ndarray) -> bytes:
    """Two equal-length float32 channels in [-1, 1] to interleaved little-endian PCM16."""
    frames = np.empty((len(left), 2), dtype="<i2")
    frames[:, 0] = np.clip(left, -1.0, 1.0) * 32767.0
    frames[:, 1] = np.clip(right, -1.0, 1.0) * 32767.0
    return frames.tobytes()


class StereoWavWriter:
    """Appends interleaved frames; not thread-safe (the recorder serialises its calls)."""

    def __init__(self, path: Path, rate: int) -> None:
        self.path = path
        self.rate = rate
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: BinaryIO | None = open(path, "wb")  # noqa: SIM115 - open for the call's life
        self._data_bytes = 0
        self._file.write(_header(rate, 0))
        self._file.flush()

    @property
    def frames(self) -> int:
        return self._data_bytes // (CHANNELS * SAMPLE_WIDTH)

    def append(self, pcm: bytes, *, sync: bool = False) -> None:
        """Write frames, then fix the header sizes and push it all to the OS (disk if `sync`)."""
        if self._file is None:
            raise ValueError(f"{self.path} is closed")
        if pcm:
            self._file.seek(HEADER_BYTES + self._data_bytes)
            self._file.write(pcm)
            self._data_bytes += len(pcm)
            self._file.seek(4)
            self._file.write(struct.pack("<I", 36 + self._data_bytes))
            self._file.seek(40)
            self._file.write(struct.pack("<I", self._data_bytes))
        self._file.flush()
        if sync:
            os.fsync(self._file.fileno())

    def close(self) -> None:
        if self._file is not None:
            self.append(b"", sync=True)
            self._file.close()
            self._file = None


@dataclass(frozen=True)
class WavInfo:
    rate: int
    channels: int
    data_offset: int
    frames: int

    @property
    def duration(self) -> float:
        return self.frames / self.rate if self.rate else 0.0


def read_info(path: Path) -> WavInfo:
    """Rate, channels and the data span; trusts the file size over a stale header."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            raise WavFormatError(f"{path.name}: not a WAV file")
        rate = channels = bits = 0
        while True:
            chunk = f.read(8)
            if len(chunk) < 8:
                raise WavFormatError(f"{path.name}: no data chunk")
            kind, length = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if kind == b"fmt ":
                fmt = f.read(length)
                _, channels, rate, _, _, bits = struct.unpack("<HHIIHH", fmt[:16])
            elif kind == b"data":
                if bits != 16 or channels < 1:
                    raise WavFormatError(f"{path.name}: only PCM16 is supported")
                offset = f.tell()
                available = min(length, size - offset) if length else size - offset
                frames = max(0, available) // (channels * SAMPLE_WIDTH)
                return WavInfo(rate, channels, offset, frames)
            else:
                f.seek(length + (length & 1), os.SEEK_CUR)


def peaks(path: Path, buckets: int) -> tuple[WavInfo, list[list[float]]]:
    """Per channel, the largest absolute sample in each of `buckets` equal time spans (0..1)."""
    info = read_info(path)
    if info.frames == 0:
        return info, [[0.0] * buckets for _ in range(info.channels)]
    data = np.memmap(path, dtype="<i2", mode="r", offset=info.data_offset,
                     shape=(info.frames, info.channels))
    edges = np.linspace(0, info.frames, buckets + 1).astype(np.int64)
    out: list[list[float]] = []
    for channel in range(info.channels):
        column = np.abs(data[:, channel].astype(np.int32))
        # reduceat needs non-empty spans; short files repeat the last sample's bucket
        starts = np.minimum(edges[:-1], info.frames - 1)
        maxima = np.maximum.reduceat(column, starts) / 32768.0
        out.append([round(float(v), 3) for v in maxima])
    del data
    return info, out
