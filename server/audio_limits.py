"""Reading an uploaded or scored recording within limits, before any speech-to-text.

A compressed file can hold hours in a few hundred kilobytes (an hour of 48 kHz stereo
silence is 0.6 MB of FLAC), so the size limit on the upload says nothing about the work
behind it. The header is checked first (libsndfile, else ffprobe); a header that says
nothing or lies is caught while decoding, which streams and stops at the cap, so memory
never holds more than the allowed minutes at 16 kHz (docs/security.md).
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from voices.audio import SAMPLE_RATE, AudioDecodeError, pcm16_to_float, read_audio

_LOGGER = logging.getLogger(__name__)
_BLOCK_S = 5  # seconds decoded at a time
_UNKNOWN_FRAMES = 2**62  # libsndfile reports SF_COUNT_MAX when a FLAC header leaves it open
_FFMPEG_TIMEOUT_S = 120


class LimitKind(StrEnum):
    TOO_LONG = "too_long"
    TOO_SHORT = "too_short"
    SAMPLE_RATE = "sample_rate"
    CHANNELS = "channels"


@dataclass(frozen=True)
class AudioLimits:
    """What one recording may hold."""

    max_seconds: float = 30 * 60.0
    max_sample_rate: int = 96_000
    max_channels: int = 8
    min_seconds: float = 0.1  # shorter is nothing a transcript or a score can come from


class AudioLimitError(Exception):
    """The recording breaks a limit; the message names the file, the limit and the value."""

    def __init__(self, path: Path | str, kind: LimitKind, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.kind = kind
        self.reason = reason


@dataclass(frozen=True)
class _Header:
    rate: int | None
    channels: int | None
    seconds: float | None  # None: the header does not say


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds >= 60 else f"{seconds:.2f} s"


def _check_header(path: Path, header: _Header, limits: AudioLimits) -> None:
    if header.rate is not None and header.rate > limits.max_sample_rate:
        raise AudioLimitError(path, LimitKind.SAMPLE_RATE,
                              f"sample rate {header.rate} Hz is over the limit of "
                              f"{limits.max_sample_rate} Hz")
    if header.channels is not None and header.channels > limits.max_channels:
        raise AudioLimitError(path, LimitKind.CHANNELS,
                              f"{header.channels} channels is over the limit of "
                              f"{limits.max_channels}")
    if header.seconds is not None and header.seconds > limits.max_seconds:
        raise _too_long(path, limits, f"the recording is {_minutes(header.seconds)} long")


def _too_long(path: Path, limits: AudioLimits, what: str) -> AudioLimitError:
    return AudioLimitError(path, LimitKind.TOO_LONG,
                           f"{what}; recordings are limited to {_minutes(limits.max_seconds)}")


def _check_length(path: Path, audio: np.ndarray, rate: int, limits: AudioLimits) -> np.ndarray:
    seconds = len(audio) / rate
    if seconds > limits.max_seconds:
        raise _too_long(path, limits, "the recording is longer than the limit")
    if seconds < limits.min_seconds:
        raise AudioLimitError(path, LimitKind.TOO_SHORT,
                              f"the recording is {seconds:.3f} s long; at least "
                              f"{limits.min_seconds:g} s is needed to score it")
    return audio


def read_bounded_audio(path: Path | str, limits: AudioLimits,
                       rate: int = SAMPLE_RATE) -> np.ndarray:
    """Decode to mono float32 at `rate`, refusing what breaks `limits` before decoding it
    all. Raises AudioLimitError, or AudioDecodeError for what is no audio."""
    path = Path(path)
    if not path.is_file():
        raise AudioDecodeError(path, "no such file")
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, TypeError):
        return _check_length(path, _read_with_ffmpeg(path, limits, rate), rate, limits)
    known = 0 < info.frames < _UNKNOWN_FRAMES and info.samplerate > 0
    _check_header(path, _Header(info.samplerate, info.channels,
                                info.frames / info.samplerate if known else None), limits)
    try:
        if not known:  # count first, keeping nothing: a refusal costs no memory
            _decode_with_libsndfile(path, limits, rate, keep=False)
        audio = _decode_with_libsndfile(path, limits, rate, keep=True)
    except (sf.LibsndfileError, RuntimeError) as err:
        # libsndfile read the header but not the body: let the general decoder try
        _LOGGER.info("libsndfile could not decode %r (%s); trying ffmpeg", path.name, err)
        audio = _read_with_ffmpeg(path, limits, rate)
    return _check_length(path, audio, rate, limits)


def _decode_with_libsndfile(path: Path, limits: AudioLimits, rate: int,
                            keep: bool) -> np.ndarray:
    pieces: list[np.ndarray] = []
    with sf.SoundFile(str(path)) as source:
        cap = int(limits.max_seconds * source.samplerate)
        stream = soxr.ResampleStream(source.samplerate, rate, 1, dtype="float32")
        decoded = 0
        for block in source.blocks(blocksize=_BLOCK_S * source.samplerate, dtype="float32",
                                   always_2d=True):
            decoded += len(block)
            if decoded > cap:  # the header said nothing, or less than the truth
                raise _too_long(path, limits, "the recording is longer than the limit")
            if keep:
                pieces.append(stream.resample_chunk(block.mean(axis=1)))
    if not keep:
        return np.zeros(0, np.float32)
    pieces.append(stream.resample_chunk(np.zeros(0, np.float32), last=True))
    return np.concatenate(pieces).astype(np.float32, copy=False)


def _probe(ffprobe: str, path: Path) -> _Header:
    cmd = [ffprobe, "-v", "error", "-select_streams", "a:0", "-show_entries",
           "format=duration:stream=sample_rate,channels,duration", "-of", "json", str(path)]
    done = subprocess.run(cmd, capture_output=True, check=False, timeout=30)
    try:
        found = json.loads(done.stdout or b"{}")
    except json.JSONDecodeError:
        found = {}
    stream = (found.get("streams") or [{}])[0]
    fields = (stream.get("sample_rate"), stream.get("channels"),
              stream.get("duration") or (found.get("format") or {}).get("duration"))
    rate, channels, seconds = (_number(v) for v in fields)
    return _Header(int(rate) if rate else None, int(channels) if channels else None, seconds)


def _number(value: object) -> float | None:
    try:
        return float(str(value))
    except ValueError:  # absent, or ffprobe's "N/A"
        return None


def _read_with_ffmpeg(path: Path, limits: AudioLimits, rate: int) -> np.ndarray:
    ffmpeg, ffprobe = shutil.which("ffmpeg"), shutil.which("ffprobe")
    if ffmpeg is None or ffprobe is None:
        return read_audio(path, rate)  # raises AudioDecodeError: nothing else can read it
    header = _probe(ffprobe, path)
    _check_header(path, header, limits)
    # `-t` stops decoding just past the cap, whatever the container claims
    cmd = [ffmpeg, "-nostdin", "-v", "error", "-i", str(path), "-map", "0:a:0",
           "-t", f"{limits.max_seconds + 1:.3f}", "-f", "s16le", "-ac", "1", "-ar", str(rate),
           "-"]
    cap_bytes = int(limits.max_seconds * rate) * 2
    if header.seconds is None:  # count first, keeping nothing: a refusal costs no memory
        _run_ffmpeg(path, cmd, cap_bytes, limits, keep=False)
    return pcm16_to_float(_run_ffmpeg(path, cmd, cap_bytes, limits, keep=True))


def _run_ffmpeg(path: Path, cmd: list[str], cap_bytes: int, limits: AudioLimits,
                keep: bool) -> bytes:
    kept = bytearray()
    size = 0
    with tempfile.TemporaryFile() as errors, subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=errors, stdin=subprocess.DEVNULL
    ) as decoder:
        assert decoder.stdout is not None
        while chunk := decoder.stdout.read(1 << 16):
            size += len(chunk)
            if size > cap_bytes:
                decoder.kill()
                raise _too_long(path, limits, "the recording is longer than the limit")
            if keep:
                kept.extend(chunk)
        code = decoder.wait(timeout=_FFMPEG_TIMEOUT_S)
        errors.seek(0)
        message = errors.read().decode(errors="replace")
    if code != 0 or size == 0:
        lines = message.strip().splitlines()
        # ffmpeg starts its message with the path, which AudioDecodeError already names
        reason = lines[-1].removeprefix(f"{path}: ") if lines else "unreadable audio"
        raise AudioDecodeError(path, reason)
    return bytes(kept)
