"""PCM conversions, resampling and audio-file decoding shared by every engine."""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

SAMPLE_RATE = 16_000  # the rate every speech model in voices/ works at


class AudioDecodeError(Exception):
    """An audio file could not be read; the message names the file."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


def pcm16_to_float(data: bytes) -> np.ndarray:
    """Little-endian signed 16-bit PCM bytes to float32 in [-1, 1]."""
    return np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0


def float_to_pcm16(audio: np.ndarray) -> bytes:
    """Float audio in [-1, 1] to little-endian signed 16-bit PCM bytes."""
    clipped = np.clip(audio, -1.0, 1.0)
    return (clipped * 32767.0).astype("<i2").tobytes()


def level_dbfs(audio: np.ndarray) -> float | None:
    """RMS level of float samples in dBFS; None for no samples."""
    if audio.size == 0:
        return None
    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64))))
    return 20.0 * math.log10(max(rms, 1e-10))


def loud_frames(audio: np.ndarray, frame: int, floor_db: float) -> np.ndarray:
    """Per whole frame of `frame` samples: is it within `floor_db` of the loudest frame?"""
    n = len(audio) // frame
    if n == 0:
        return np.zeros(0, dtype=bool)
    frames = audio[: n * frame].reshape(n, frame).astype(np.float64)
    db = 10.0 * np.log10(np.mean(frames**2, axis=1) + 1e-10)
    return db >= db.max() - floor_db


def resample(audio: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Resample a mono float32 signal (whole-signal, high quality)."""
    if from_rate == to_rate:
        return audio.astype(np.float32, copy=False)
    return soxr.resample(audio, from_rate, to_rate).astype(np.float32, copy=False)


def to_mono(audio: np.ndarray) -> np.ndarray:
    """Average the channels of a (frames, channels) array."""
    return audio.mean(axis=1) if audio.ndim == 2 else audio


def read_audio(path: Path | str, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Decode any audio file to mono float32 at `rate`: libsndfile first, then ffmpeg."""
    path = Path(path)
    if not path.is_file():
        raise AudioDecodeError(path, "no such file")
    try:
        audio, file_rate = sf.read(str(path), dtype="float32", always_2d=False)
    except (sf.LibsndfileError, RuntimeError, TypeError) as err:
        return _read_with_ffmpeg(path, rate, err)
    audio = to_mono(np.asarray(audio, dtype=np.float32))
    if audio.size == 0:
        raise AudioDecodeError(path, "file holds no audio")
    return resample(audio, int(file_rate), rate)


def _read_with_ffmpeg(path: Path, rate: int, first_error: Exception) -> np.ndarray:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise AudioDecodeError(path, f"unreadable audio ({first_error})")
    cmd = [ffmpeg, "-nostdin", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1",
           "-ar", str(rate), "-"]
    result = subprocess.run(cmd, capture_output=True, check=False, timeout=120)
    if result.returncode != 0 or not result.stdout:
        lines = result.stderr.decode(errors="replace").strip().splitlines()
        # ffmpeg starts its message with the path, which AudioDecodeError already names
        reason = lines[-1].removeprefix(f"{path}: ") if lines else "unreadable audio"
        raise AudioDecodeError(path, reason)
    return pcm16_to_float(result.stdout)


def write_wav(path: Path | str, audio: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    """Write mono float audio as a 16-bit PCM WAV file."""
    sf.write(str(path), np.clip(audio, -1.0, 1.0), rate, subtype="PCM_16")
