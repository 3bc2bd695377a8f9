"""Processes for the multi-server test: walkaway servers (`walkaway serve`) and HAProxy with
deploy/haproxy.cfg, on loopback ports, each started and stopped with bounded waits."""

from __future__ import annotations

import os
import shutil
import signal
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

ROOT = Path(__file__).resolve().parents[2]
HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"
_SERVER_READY_S = 180.0  # two servers load their speech models at once on 2 busy cores


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def kill(self) -> None:
        """Gone at once, as a crashed machine: no shutdown, nothing finished."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def _wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: the process exited ({proc.returncode}): "
                               f"{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.25)
    raise RuntimeError(f"{url} not up after {seconds:.0f} s: "
                       f"{log.read_text(errors='replace')[-3000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@contextmanager
def walkaway_servers(names_ports: list[tuple[str, int]], env: dict[str, str],
                     workdir: Path) -> Iterator[list[Server]]:
    """Start `walkaway serve` once per (name, port), all at once; yield when all are up."""
    servers: list[Server] = []
    try:
        for name, port in names_ports:
            log = workdir / f"server-{name}.log"
            own = {**os.environ, **env, "WALKAWAY_PORT": str(port),
                   "WALKAWAY_HOST": "127.0.0.1", "WALKAWAY_SERVER_ID": name,
                   "WALKAWAY_DATA_DIR": str(workdir / f"data-{name}"),
                   "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2")}
            with open(log, "wb") as out:
                proc = subprocess.Popen([sys.executable, "-m", "server.cli.main", "serve"],
                                        cwd=ROOT, env=own, stdout=out, stderr=subprocess.STDOUT,
                                        start_new_session=True)
            servers.append(Server(name, port, proc, log))
        for server in servers:
            _wait_http(f"http://{server.address}/healthz", server.proc, server.log,
                       _SERVER_READY_S)
        yield servers
    finally:
        for server in servers:
            _stop(server.proc)


@contextmanager
def haproxy(port: int, servers: list[Server], max_calls: int, workdir: Path) -> Iterator[str]:
    """HAProxy with deploy/haproxy.cfg in front of two servers; yields its base URL."""
    binary = shutil.which("haproxy") or ("/usr/sbin/haproxy"
                                         if Path("/usr/sbin/haproxy").is_file() else None)
    if binary is None:
        pytest.skip("no haproxy: `apt-get install haproxy` (the Makefile's APT_PACKAGES)")
    env = {**os.environ, "WALKAWAY_PROXY_BIND": f"127.0.0.1:{port}",
           "WALKAWAY_SERVER_A": servers[0].address, "WALKAWAY_SERVER_B": servers[1].address,
           "WALKAWAY_MAX_CALLS": str(max_calls)}
    log = workdir / "haproxy.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([binary, "-db", "-f", str(HAPROXY_CFG)], env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_http(f"http://127.0.0.1:{port}/healthz", proc, log, 20)
        yield f"127.0.0.1:{port}"
    finally:
        _stop(proc)
