"""`walkaway bench` runs end to end and reports its figures (small and untimed: no targets here)."""

from __future__ import annotations

import json

from tests.support.helpers import FIXTURES
from tests.test_cli import run_cli


def test_bench_measures_one_call_against_its_own_server() -> None:
    done = run_cli("bench", "--calls", "2", "--fast", "--no-warmup", "--json",
                   "--turn", str(FIXTURES / "price_cave_piper.wav"), timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["calls"] == 2 and report["completed_calls"] == 2 and not report["errors"]
    v2v = report["voice_to_voice_s"]
    assert v2v["count"] == 2 and 0 < v2v["p50"] <= v2v["p95"] <= v2v["max"]
    answer = report["answer_s"]  # the first sound is the answer's, or a murmur before it
    assert answer["count"] == 2 and answer["p50"] >= v2v["p50"]
    # the call that started first is reported apart from the others (a cold start shows there)
    first, later = report["first_call_answer_s"], report["later_calls_answer_s"]
    assert first["count"] == 1 and later["count"] == 1
    assert max(first["max"], later["max"]) == answer["max"]
    assert report["stt_ms"]["count"] == 2 and report["stt_ms"]["p50"] > 0
    assert report["tts_first_audio_ms"]["count"] >= 4  # two openings and two answers
    process = report["process"]
    assert process["rss_peak_mb"] >= process["rss_idle_mb"] > 50
    assert process["cpu_percent"] > 0
