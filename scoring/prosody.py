"""Audio maths for vocal confidence, in numpy only: energy voice activity over 20 ms
frames, pauses, YIN pitch, rising ends and loudness steadiness.

Input is float32 mono in [-1, 1]. All times returned are seconds relative to the
start of the array passed in, unless a caller adds its own offset.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

FRAME_S = 0.02  # 20 ms frames for activity and pitch
LONG_PAUSE_S = 0.7  # a silence this long inside a turn reads as lost thread / hesitation
_ABS_FLOOR_DB = -55.0  # quieter than this is silence whatever the noise floor
_MIN_PITCH_FRAMES = 10  # fewer pitched frames than this give no pitch statistics
_EPS = 1e-10


class AudioError(ValueError):
    """The audio array cannot be analysed (wrong shape, rate or values)."""


def as_mono_float(audio: np.ndarray) -> np.ndarray:
    """Validate and return audio as contiguous float64 mono (int16 is rescaled)."""
    a = np.asarray(audio)
    if a.ndim == 2 and 1 in a.shape:
        a = a.reshape(-1)
    if a.ndim != 1:
        raise AudioError(f"expected mono audio, got shape {a.shape}")
    if a.dtype.kind == "i":
        return a.astype(np.float64) / 32768.0
    if a.dtype.kind != "f":
        raise AudioError(f"expected float or int16 samples, got {a.dtype}")
    a = a.astype(np.float64)
    if not np.all(np.isfinite(a)):
        raise AudioError("audio contains NaN or infinite samples")
    return a


def frame_db(audio: np.ndarray, sr: int, frame_s: float = FRAME_S) -> np.ndarray:
    """RMS level in dBFS of each whole frame (a partial last frame is dropped)."""
    hop = int(round(sr * frame_s))
    n = len(audio) // hop
    if n == 0:
        return np.zeros(0)
    frames = audio[: n * hop].reshape(n, hop)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    return 20.0 * np.log10(rms + _EPS)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) index runs where mask is True."""
    if mask.size == 0:
        return []
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(s), int(e)) for s, e in zip(edges[::2], edges[1::2])]


def activity_threshold(db: np.ndarray) -> float:
    """Speech/silence level: above the noise floor, but never above a loud steady voice."""
    if db.size == 0:
        return _ABS_FLOOR_DB
    floor = float(np.percentile(db, 10))
    peak = float(np.percentile(db, 99))
    # floor + 9 dB separates speech from room noise; peak - 20 dB keeps a signal that is
    # all voice (no silence to estimate a floor from) counted as voice.
    return max(_ABS_FLOOR_DB, min(floor + 9.0, peak - 20.0))


def voice_activity(db: np.ndarray, threshold: float) -> np.ndarray:
    """Voiced frames, with dips of up to 60 ms bridged and blips up to 40 ms dropped."""
    voiced = db > threshold
    for s, e in _runs(~voiced):
        if e - s <= 3 and s > 0 and e < len(voiced):
            voiced[s:e] = True
    for s, e in _runs(voiced):
        if e - s <= 2:
            voiced[s:e] = False
    return voiced


def inner_pauses(voiced: np.ndarray, frame_s: float = FRAME_S) -> list[tuple[float, float]]:
    """Silences between the first and last voiced frame, as (start, end) seconds."""
    return [
        (s * frame_s, e * frame_s)
        for s, e in _runs(~voiced)
        if s > 0 and e < len(voiced) and voiced[:s].any() and voiced[e:].any()
    ]


def yin_pitch(
    audio: np.ndarray,
    sr: int,
    frames: np.ndarray,
    *,
    frame_s: float = FRAME_S,
    fmin: float = 70.0,
    fmax: float = 400.0,
    threshold: float = 0.15,
    chunk: int = 1024,
) -> np.ndarray:
    """YIN f0 in Hz at the centre of each listed 20 ms frame; NaN where aperiodic."""
    hop = int(round(sr * frame_s))
    win = 2 * hop  # 40 ms: two periods of the lowest voice pitch
    tau_min, tau_max = int(sr / fmax), int(np.ceil(sr / fmin))
    span = win + tau_max
    pad = span
    x = np.concatenate([np.zeros(pad), audio, np.zeros(pad)])
    frames = np.asarray(frames, dtype=np.int64)
    f0 = np.full(frames.shape, np.nan)
    nfft = 1 << int(np.ceil(np.log2(span + win)))
    taus = np.arange(tau_max + 1)
    for c0 in range(0, len(frames), chunk):
        idx = frames[c0 : c0 + chunk]
        starts = idx * hop + hop // 2 - win // 2 + pad
        block = x[starts[:, None] + np.arange(span)[None, :]]
        cs = np.concatenate([np.zeros((len(idx), 1)), np.cumsum(block**2, axis=1)], axis=1)
        e0 = cs[:, win]
        e_tau = cs[:, taus + win] - cs[:, taus]
        spec = np.conj(np.fft.rfft(block[:, :win], nfft)) * np.fft.rfft(block, nfft)
        r = np.fft.irfft(spec, nfft)[:, : tau_max + 1]
        d = np.maximum(e0[:, None] + e_tau - 2.0 * r, 0.0)
        d[:, 0] = 0.0
        cum = np.cumsum(d[:, 1:], axis=1)
        cmnd = np.ones_like(d)
        cmnd[:, 1:] = d[:, 1:] * taus[1:] / np.maximum(cum, _EPS)
        cmnd[:, :tau_min] = 1e9  # periods shorter than fmax's are out of range
        below = cmnd < threshold
        has = below.any(axis=1) & (e0 > _EPS)
        t = np.where(has, np.argmax(below, axis=1), tau_min)
        rows = np.arange(len(idx))
        # Walk down to the bottom of the dip the threshold crossing fell into.
        for _ in range(tau_max):
            nxt = np.minimum(t + 1, tau_max)
            better = cmnd[rows, nxt] < cmnd[rows, t]
            if not better.any():
                break
            t = np.where(better, nxt, t)
        # Parabolic interpolation for sub-sample period.
        lo, hi = np.maximum(t - 1, 0), np.minimum(t + 1, tau_max)
        a, b, c = cmnd[rows, lo], cmnd[rows, t], cmnd[rows, hi]
        a = np.where(lo < tau_min, b, a)  # no neighbour below the range: no shift that way
        denom = a - 2 * b + c
        shift = np.where(np.abs(denom) > _EPS, 0.5 * (a - c) / np.where(denom == 0, 1, denom), 0.0)
        period = t + np.clip(shift, -1.0, 1.0)
        f0[c0 : c0 + chunk] = np.where(has & (period > 0), sr / np.maximum(period, 1e-9), np.nan)
    return f0


def semitones(f0: np.ndarray, ref: float = 100.0) -> np.ndarray:
    return 12.0 * np.log2(f0 / ref)


def pitch_range_semitones(f0: np.ndarray) -> float | None:
    """Spread of pitch (5th to 95th percentile) in semitones; None if too few pitched frames."""
    f = f0[np.isfinite(f0)]
    if f.size < _MIN_PITCH_FRAMES:
        return None
    lo, hi = np.percentile(f, [5, 95])
    return float(12.0 * np.log2(hi / lo))


def end_rise_semitones(f0: np.ndarray, frame_s: float = FRAME_S) -> float | None:
    """Pitch at the end (last 0.3 s of pitched frames) minus the second before, semitones."""
    f = f0[np.isfinite(f0)]
    tail = max(3, int(round(0.3 / frame_s)))
    head = int(round(1.0 / frame_s))
    if f.size < tail + 5:
        return None
    st = semitones(f)
    return float(np.median(st[-tail:]) - np.median(st[-(tail + head) : -tail]))


def loudness_spread_db(db: np.ndarray, voiced: np.ndarray, block_frames: int = 25) -> float | None:
    """Std of voiced loudness over 0.5 s blocks (syllable-level flicker is averaged out)."""
    levels = []
    for s in range(0, len(db), block_frames):
        v = voiced[s : s + block_frames]
        if v.sum() >= 5:
            power = np.mean(10.0 ** (db[s : s + block_frames][v] / 10.0))
            levels.append(10.0 * np.log10(power + _EPS))
    if len(levels) < 2:
        return None
    return float(np.std(levels))


@dataclass(frozen=True)
class SegmentProsody:
    """Vocal measurements of one stretch of speech (one rep turn)."""

    seconds: float
    voiced_seconds: float
    span_seconds: float  # first to last voiced frame
    pause_ratio: float  # silence inside the speech span / speech span
    long_pauses: tuple[tuple[float, float], ...]  # seconds relative to the segment
    f0: np.ndarray  # Hz per 20 ms frame, NaN where unvoiced
    db: np.ndarray
    voiced: np.ndarray


def analyse_segment(
    audio: np.ndarray, sr: int, *, threshold_db: float | None = None
) -> SegmentProsody:
    """Activity, pauses and pitch for one segment; pass a track-wide threshold if known."""
    x = as_mono_float(audio)
    db = frame_db(x, sr)
    thr = activity_threshold(db) if threshold_db is None else threshold_db
    voiced = voice_activity(db, thr)
    pauses = inner_pauses(voiced)
    runs = _runs(voiced)
    span = (runs[-1][1] - runs[0][0]) * FRAME_S if runs else 0.0
    silent = sum(e - s for s, e in pauses)
    f0 = np.full(len(db), np.nan)
    vidx = np.flatnonzero(voiced)
    if vidx.size:
        f0[vidx] = yin_pitch(x, sr, vidx)
    return SegmentProsody(
        seconds=len(x) / sr,
        voiced_seconds=float(voiced.sum()) * FRAME_S,
        span_seconds=span,
        pause_ratio=silent / span if span > 0 else 0.0,
        long_pauses=tuple(p for p in pauses if p[1] - p[0] >= LONG_PAUSE_S),
        f0=f0,
        db=db,
        voiced=voiced,
    )


def analyse_spans(
    audio: np.ndarray, sr: int, spans: Sequence[tuple[float, float]]
) -> list[SegmentProsody | None]:
    """Analyse each (start, end) span of a whole track with one track-wide threshold.

    Spans outside the track, or shorter than two frames, give None.
    """
    if sr <= 0:
        raise AudioError(f"bad sample rate {sr}")
    x = as_mono_float(audio)
    thr = activity_threshold(frame_db(x, sr))
    out: list[SegmentProsody | None] = []
    for start, end in spans:
        a, b = max(0, int(round(start * sr))), min(len(x), int(round(end * sr)))
        if b - a < 2 * int(sr * FRAME_S):
            out.append(None)
            continue
        out.append(analyse_segment(x[a:b], sr, threshold_db=thr))
    return out
