"""Probes on what an upload (or `walkaway score`) may cost: a compressed-audio bomb is refused
before speech-to-text from its header, or while decoding when the header hides its length; a
file too short to score, or past the rep's storage quota, gets a clear 4xx; the uploaded file's
name cannot forge a log line (docs/security.md)."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import pytest
import pytest_asyncio
import soundfile as sf
from fastapi import FastAPI
from typer.testing import CliRunner

from server.audio_limits import AudioLimitError, AudioLimits, LimitKind, read_bounded_audio
from server.cli.main import app as cli
from server.http.app import create_app
from server.http.inprocess import serve_in_process
from server.settings import Settings
from server.storage import Role, TokenKind
from tests.support.helpers import FIXTURES
from voices.engines import Engines

_MB = 1024 * 1024


@dataclass
class Site:
    base: str
    app: FastAPI
    token: str
    data_dir: Path

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.base, timeout=120,
                                 headers={"Authorization": f"Bearer {self.token}"})


@pytest_asyncio.fixture(scope="module")
async def site(engines: Engines, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Site]:
    data_dir = tmp_path_factory.mktemp("bomb")
    app = create_app(Settings(data_dir=data_dir, upload_quota_mb=0.1), engines)
    async with serve_in_process(app) as base:
        rep = app.state.store.accounts.create("uma", Role.REP, "uma-pass-1")
        token = app.state.store.accounts.issue_token(rep.id, TokenKind.API)
        yield Site(base, app, token, data_dir)


@pytest.fixture(scope="module")
def hour_flac(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An hour of 48 kHz stereo silence, as the issue's probe made it (0.7 MB)."""
    path = tmp_path_factory.mktemp("flac") / "hour.flac"
    subprocess.run(["sox", "-n", "-r", "48000", "-c", "2", str(path), "trim", "0", "3600"],
                   check=True)
    return path


@pytest.fixture(scope="module")
def hidden_length_flac(hour_flac: Path) -> Path:
    """The same hour with STREAMINFO's total-samples field zeroed ('unknown'), as a
    streaming encoder writes it: the header no longer says how long the file is."""
    data = bytearray(hour_flac.read_bytes())
    assert data[:4] == b"fLaC"
    field = int.from_bytes(data[18:26], "big") & ~((1 << 36) - 1)
    data[18:26] = field.to_bytes(8, "big")
    path = hour_flac.with_name("hidden.flac")
    path.write_bytes(bytes(data))
    assert sf.info(str(path)).frames > 2**62  # libsndfile: length unknown
    return path


class PeakRss:
    """The process's resident memory, sampled every 5 ms while in use."""

    def __init__(self) -> None:
        self.start = self.peak = self._now()
        self._stop = threading.Event()

    @staticmethod
    def _now() -> int:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._now())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / _MB

    @contextmanager
    def watching(self) -> Iterator[PeakRss]:
        sampler = threading.Thread(target=self._sample, daemon=True)
        sampler.start()
        try:
            yield self
        finally:
            self._stop.set()
            sampler.join()


async def _upload_bomb(site: Site, path: Path) -> tuple[httpx.Response, float, float]:
    async with site.client() as rep:
        before = (await rep.get("/api/calls")).json()["total"]
        began = time.monotonic()
        with PeakRss().watching() as rss:
            response = await rep.post("/api/calls/upload", content=path.read_bytes(),
                                      params={"filename": path.name})
        elapsed = time.monotonic() - began
        assert (await rep.get("/api/calls")).json()["total"] == before  # nothing stored
    assert not list((site.data_dir / "uploads").iterdir())  # nor left in the spool
    return response, elapsed, rss.growth_mb


async def test_an_hour_of_flac_is_refused_from_its_header(site: Site, hour_flac: Path) -> None:
    response, elapsed, growth = await _upload_bomb(site, hour_flac)
    assert response.status_code == 413, response.text
    detail = response.json()["detail"]
    assert "60.0 min long" in detail and "limited to 30.0 min" in detail, detail
    # speech-to-text of an hour takes minutes on a CPU: an answer this fast came before it
    assert elapsed < 5 and growth < 50, (elapsed, growth)
    print(f"\nhour FLAC ({hour_flac.stat().st_size / _MB:.2f} MB): 413 in {elapsed:.2f} s, "
          f"peak RSS growth {growth:.1f} MB")


async def test_a_flac_hiding_its_length_is_stopped_while_decoding(
    site: Site, hidden_length_flac: Path
) -> None:
    response, elapsed, growth = await _upload_bomb(site, hidden_length_flac)
    assert response.status_code == 413, response.text
    assert "longer than the limit" in response.json()["detail"]
    assert elapsed < 30 and growth < 50, (elapsed, growth)
    print(f"\nFLAC with no length in its header: 413 in {elapsed:.2f} s, "
          f"peak RSS growth {growth:.1f} MB")


def _wav(samples: int, rate: int = 16_000, channels: int = 1) -> bytes:
    buffer = io.BytesIO()
    audio = np.full((samples, channels), 0.1, dtype=np.float32)
    sf.write(buffer, audio, rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


@pytest.mark.parametrize(("samples", "rate"), [(1, 16_000), (100, 16_000), (100, 8_000),
                                               (1_599, 16_000)])
async def test_an_upload_too_short_to_score_gets_a_clear_422(
    site: Site, samples: int, rate: int
) -> None:
    async with site.client() as rep:
        response = await rep.post("/api/calls/upload", content=_wav(samples, rate))
    assert response.status_code == 422, response.text
    assert "at least 0.1 s is needed" in response.json()["detail"]


async def test_a_sample_rate_or_channel_count_over_the_limit_is_refused(site: Site) -> None:
    async with site.client() as rep:
        fast = await rep.post("/api/calls/upload", content=_wav(19_200, rate=192_000))
        wide = await rep.post("/api/calls/upload", content=_wav(1_600, channels=12))
    assert fast.status_code == 422 and "192000 Hz is over the limit of 96000 Hz" in \
        fast.json()["detail"], fast.text
    assert wide.status_code == 422 and "12 channels" in wide.json()["detail"], wide.text


async def test_uploads_past_the_reps_quota_get_413_and_name_it(site: Site) -> None:
    speech = (FIXTURES / "price_hold_piper.wav").read_bytes()  # ~2-3 s: 0.15 MB stored
    async with site.client() as rep:
        first = await rep.post("/api/calls/upload", content=speech)
        second = await rep.post("/api/calls/upload", content=speech)
    assert first.status_code == 413 or second.status_code == 413, (first.text, second.text)
    refused = first if first.status_code == 413 else second
    detail = refused.json()["detail"]
    assert "quota" in detail and "0.1 MB" in detail and "WALKAWAY_UPLOAD_QUOTA_MB" in detail


async def test_uploads_sent_together_cannot_pass_the_quota_together(
    engines: Engines, tmp_path: Path
) -> None:
    """Each of two uploads at once fits the quota alone; both together do not: one is 413."""
    speech = (FIXTURES / "price_hold_piper.wav").read_bytes()  # 7.1 s: 0.45 MB stored
    app = create_app(Settings(data_dir=tmp_path, upload_quota_mb=0.7), engines)
    async with serve_in_process(app) as base:
        rep = app.state.store.accounts.create("vic", Role.REP, "vic-pass-1")
        token = app.state.store.accounts.issue_token(rep.id, TokenKind.API)
        async with httpx.AsyncClient(base_url=base, timeout=120, headers={
                "Authorization": f"Bearer {token}"}) as client:
            answers = await asyncio.gather(*(client.post("/api/calls/upload", content=speech)
                                             for _ in range(2)))
        stored = app.state.store.accounts.upload_seconds(rep.id)
    assert sorted(a.status_code for a in answers) == [201, 413], [a.text for a in answers]
    refused = next(a for a in answers if a.status_code == 413)
    assert "0.7 MB quota" in refused.json()["detail"], refused.text
    assert 7.0 < stored < 7.2  # one stored, not two
    assert not app.state.uploads.in_flight  # nothing left booked


async def test_an_uploads_name_cannot_forge_a_log_line(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    forged = "x.wav\n2026-01-01 00:00:00 WARNING server: manager password reset"
    async with site.client() as rep:
        await rep.post("/api/calls/upload", content=_wav(1_000), params={"filename": forged})
        await rep.post("/api/calls/upload", content=b"junk" * 50, params={"filename": forged})
    lines = [line for r in caplog.records for line in r.getMessage().splitlines()]
    assert not any(line.startswith("2026-01-01") for line in lines), lines
    assert any("x.wav\\n2026" in line for line in lines)  # logged, escaped


# --- the decoder itself, and `walkaway score` ----------------------------------------------------

def _ffmpeg_opus(path: Path, seconds: float, *, seekable: bool = True) -> Path:
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi",
           "-i", f"sine=frequency=300:sample_rate=48000:duration={seconds}",
           "-c:a", "libopus", "-f", "webm"]
    if seekable:
        subprocess.run([*cmd, str(path)], check=True)
    else:  # written to a pipe: the container cannot be given its duration
        with path.open("wb") as out:
            subprocess.run([*cmd, "pipe:1"], check=True, stdout=out)
    return path


def test_ffmpeg_decoded_files_are_held_to_the_same_limits(tmp_path: Path) -> None:
    limits = AudioLimits(max_seconds=5)
    fine = read_bounded_audio(_ffmpeg_opus(tmp_path / "ok.webm", 4), limits)
    assert abs(len(fine) / 16_000 - 4) < 0.1
    with pytest.raises(AudioLimitError) as told:
        read_bounded_audio(_ffmpeg_opus(tmp_path / "long.webm", 20), limits)
    assert told.value.kind is LimitKind.TOO_LONG
    assert "long.webm" in str(told.value) and "limited to 5.00 s" in str(told.value)
    with pytest.raises(AudioLimitError, match="longer than the limit"):
        read_bounded_audio(_ffmpeg_opus(tmp_path / "piped.webm", 20, seekable=False), limits)


def test_walkaway_score_refuses_the_bomb_naming_the_file(hour_flac: Path) -> None:
    began = time.monotonic()
    result = CliRunner().invoke(cli, ["score", str(hour_flac)])
    assert result.exit_code == 1
    assert "hour.flac" in result.output and "limited to 30.0 min" in result.output
    assert time.monotonic() - began < 60  # loading the models, not transcribing an hour
