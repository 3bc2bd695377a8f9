"""Calls per core (issue 21): how many live calls one walkaway server holds on one core at the
latency target, and whether two servers behind HAProxy hold twice that.

The parts are those of a sales floor, as in tests/test_multi_server.py: PostgreSQL (the
server on 127.0.0.1:5432, a schema of its own), SeaweedFS as the S3 store (`weed server -s3`),
`walkaway serve` processes and HAProxy with deploy/haproxy.cfg. The load is `walkaway bench
--url` (real-time scripted calls through /ws/call, signed in with an API token).

1. One server pinned to CPU 0 (`--server-cpu`), one transcription worker
   (WALKAWAY_STT_WORKERS follows the cores). The bench client and SeaweedFS run on CPU 1
   (`--client-cpu`). N calls at once for each N of `--steps`, until the first N whose
   answer-line p95 passes the bar, a call fails, or the client's microphone falls more than
   `--lag-bar` behind real time. The bar is `--bar` (0.80 s, issue 18's eight-call target)
   or, with `--slack`, the first step's p95 plus that (start the steps at 1: what load adds
   to one call). The last N that held is the figure per core, K.
2. Two such servers, on CPU 0 and CPU 1, each admitting K calls (the proxy's maxconn too),
   behind HAProxy; one unmeasured call on each, then 2K calls through the proxy, against the
   same bar. Here the client, the proxy and SeaweedFS share the two cores with the servers.
   `--per-core K` runs this part alone (against `--bar`); `--no-proxy` skips it.

PostgreSQL is the machine's own service and runs wherever the kernel puts it. Prints one line
per run and, with --json, writes every report with the load average and each server's CPU.
    .venv/bin/python bench/capacity.py --slack 0.25 --steps 1,2,3,4,5,6 [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support.cluster import Server, haproxy, walkaway_servers  # noqa: E402
from tests.support.seaweed import free_ports, seaweed_s3  # noqa: E402
from tests.support.storage_fixtures import database_url_for, new_call_id  # noqa: E402

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_BENCH_TIMEOUT_S = 300


@dataclass
class Run:
    """One `walkaway bench --url` run and what the servers did meanwhile."""

    setup: str  # "one server" or "two servers via proxy"
    calls: int
    report: dict[str, Any]
    server_cpu_percent: dict[str, float]  # of one core, over the run's wall time
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    wall_s: float
    passed: bool = False
    why: list[str] = field(default_factory=list)


@contextmanager
def _on_cpus(cpus: set[int]) -> Iterator[None]:
    """Processes started inside run on `cpus` only: a child inherits the CPU mask of the
    thread that forks it, and every thread it makes inherits it in turn."""
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cpus)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def _allowed_cpus(pid: int) -> str:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Cpus_allowed_list:"):
            return line.split(":", 1)[1].strip()
    return "?"


def _api_token(env: dict[str, str]) -> str:
    """A rep and an API token, made with `walkaway users add` on the shared database."""
    made = subprocess.run([sys.executable, "-m", "server.cli.main", "users", "add",
                           "capacity-bench-rep"], cwd=REPO, env={**os.environ, **env},
                          capture_output=True, text=True, check=True, timeout=120)
    return made.stdout.strip().splitlines()[-1]


def _bench(url: str, token: str, calls: int, *, fast: bool = False) -> dict[str, Any]:
    """`walkaway bench --url` in a process of its own (its warm-up call is made apart); its
    JSON report, also when a call failed (the command then exits 1 after printing it)."""
    command = [sys.executable, "-m", "server.cli.main", "bench", "--url", url, "--token", token,
               "--calls", str(calls), "--json", "--no-warmup"]
    if fast:
        command.append("--fast")
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True,
                          timeout=_BENCH_TIMEOUT_S, env={**os.environ, "MALLOC_ARENA_MAX": "2"})
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"walkaway bench printed no report ({done.returncode}): "
                           f"{done.stderr[-2000:]}")
    return json.loads(lines[-1])


def _wait_idle(servers: list[Server], seconds: float = 30) -> None:
    """Until the servers use under a tenth of a core (a warm-up call leaves work behind:
    the scenario's lines are synthesised ahead in the background), at most `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        before = sum(_cpu_seconds(s.proc.pid) for s in servers)
        time.sleep(1)
        if sum(_cpu_seconds(s.proc.pid) for s in servers) - before < 0.1:
            return


def _measure(setup: str, url: str, token: str, calls: int, servers: list[Server],
             client_cpus: set[int] | None, bar: float, args: argparse.Namespace) -> Run:
    cpu_before = {s.name: _cpu_seconds(s.proc.pid) for s in servers}
    load_before = os.getloadavg()
    started = time.monotonic()
    with _on_cpus(client_cpus) if client_cpus else ExitStack():
        report = _bench(url, token, calls)
    wall = time.monotonic() - started
    cpu = {s.name: round(100 * (_cpu_seconds(s.proc.pid) - cpu_before[s.name]) / wall, 1)
           for s in servers}
    run = Run(setup, calls, report, cpu, load_before, os.getloadavg(), round(wall, 1))
    p95 = report["answer_s"]["p95"]
    if report["completed_calls"] < report["calls"] or report["errors"]:
        run.why.append(f"{report['completed_calls']}/{report['calls']} calls completed")
    if p95 is None or p95 > bar:
        run.why.append(f"answer p95 {p95} s > {bar:.3f} s")
    if report["max_send_lag_s"] > args.lag_bar:
        run.why.append(f"microphone {report['max_send_lag_s']} s behind real time")
    run.passed = not run.why
    _print(run)
    return run


def _print(run: Run) -> None:
    r = run.report
    answer, stt = r["answer_s"], r["stt_ms"]
    print(f"{run.setup}: {run.calls} calls: answer p50/p95/max {answer['p50']}/{answer['p95']}/"
          f"{answer['max']} s, stt p50/p95 {stt['p50']}/{stt['p95']} ms, "
          f"completed {r['completed_calls']}/{r['calls']}, mic lag {r['max_send_lag_s']} s, "
          f"server CPU {run.server_cpu_percent} %, load {run.load_before[0]:.2f} -> "
          f"{run.load_after[0]:.2f}, {run.wall_s} s: "
          f"{'PASS' if run.passed else 'FAIL (' + '; '.join(run.why) + ')'}", flush=True)


def _server_env(pg_url: str, endpoint: str, max_calls: int) -> dict[str, str]:
    return {"WALKAWAY_DATABASE_URL": pg_url,
            "WALKAWAY_STORAGE_URL": f"s3://capacity/{new_call_id()}",
            "WALKAWAY_STORAGE_ENDPOINT_URL": endpoint,
            "WALKAWAY_STORAGE_ACCESS_KEY_ID": "capacity",
            "WALKAWAY_STORAGE_SECRET_ACCESS_KEY": "x",
            "WALKAWAY_STT_WORKERS": "1",  # one core, one transcription at a time
            "WALKAWAY_MAX_CALLS": str(max_calls),
            "WALKAWAY_MAX_CALLS_PER_USER": "64"}  # every bench call is the same rep


@contextmanager
def _pinned_server(name: str, cpu: int, env: dict[str, str], workdir: Path) -> Iterator[Server]:
    (port,) = free_ports(1)
    with _on_cpus({cpu}), ExitStack() as starting:
        running = starting.enter_context(walkaway_servers([(name, port)], env, workdir))
        stack = starting.pop_all()
    with stack:
        server = running[0]
        print(f"server {name} on :{port}, CPUs {_allowed_cpus(server.proc.pid)}", flush=True)
        yield server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", default="1,2,3,4,5,6,8", help="calls at once, in order")
    parser.add_argument("--bar", type=float, default=0.80, help="answer-line p95, seconds")
    parser.add_argument("--slack", type=float,
                        help="instead of --bar: the first step's answer p95 plus this")
    parser.add_argument("--lag-bar", type=float, default=0.5,
                        help="the client's microphone behind real time, seconds")
    parser.add_argument("--server-cpu", type=int, default=0)
    parser.add_argument("--client-cpu", type=int, default=1)
    parser.add_argument("--per-core", type=int, help="skip part 1: K calls per core")
    parser.add_argument("--no-proxy", action="store_true", help="part 1 only")
    parser.add_argument("--json", type=Path, help="write every run here")
    args = parser.parse_args()
    runs: list[Run] = []
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                            capture_output=True, text=True).stdout.strip()
    print(f"commit {commit}, {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, "
          f"load {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="walkaway-capacity-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        urls = database_url_for("postgres")
        pg_url = next(urls)
        assert pg_url is not None
        stack.callback(next, urls, None)  # drops the schema
        with _on_cpus({args.client_cpu}):
            seaweed = stack.enter_context(seaweed_s3(work / "s3"))
        per_core = args.per_core
        token = ""
        # with --slack the first step (one call) sets the bar
        bar = args.bar if args.slack is None or per_core is not None else float("inf")
        if per_core is None:
            env = _server_env(pg_url, seaweed.endpoint, 64)
            token = _api_token(env)
            per_core = 0
            with _pinned_server("one", args.server_cpu, env, work) as server:
                url = f"ws://{server.address}/ws/call"
                with _on_cpus({args.client_cpu}):
                    _bench(url, token, 1, fast=True)  # unmeasured
                for calls in (int(n) for n in args.steps.split(",")):
                    _wait_idle([server])
                    run = _measure("one server", url, token, calls, [server],
                                   {args.client_cpu}, bar, args)
                    runs.append(run)
                    if not run.passed:
                        break
                    per_core = calls
                    if args.slack is not None and len(runs) == 1:
                        bar = run.report["answer_s"]["p95"] + args.slack
                        print(f"bar: answer p95 <= {bar:.3f} s", flush=True)
            print(f"calls per core: {per_core}", flush=True)
        if per_core > 0 and not args.no_proxy:
            env = _server_env(pg_url, seaweed.endpoint, per_core)
            token = token or _api_token(env)
            with _pinned_server("a", args.server_cpu, env, work) as a, \
                    _pinned_server("b", args.client_cpu, env, work) as b, \
                    haproxy(free_ports(1)[0], [a, b], per_core, work) as proxy:
                for server in (a, b):  # one unmeasured call each, as in part 1
                    _bench(f"ws://{server.address}/ws/call", token, 1, fast=True)
                _wait_idle([a, b])
                url = f"ws://{proxy}/ws/call"
                runs.append(_measure("two servers via proxy", url, token, 2 * per_core, [a, b],
                                     None, bar, args))
    if args.json:
        args.json.write_text(json.dumps({"commit": commit, "per_core": per_core,
                                         "runs": [asdict(r) for r in runs]}, indent=1))


if __name__ == "__main__":
    main()
