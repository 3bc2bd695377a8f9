"""`walkaway score AUDIO... --json` run as a user runs it: the installed entry point."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.support.helpers import FIXTURES, words_of
from voices.audio import read_audio, resample

WALKAWAY = Path(sys.executable).parent / "walkaway"
CARD_FIELDS = {"audio", "transcript", "fillers", "concessions", "confidence", "overall"}


def _stereo_44k(src: Path, dst: Path) -> Path:
    audio = resample(read_audio(src), 16_000, 44_100)
    sf.write(str(dst), np.stack([audio, 0.5 * audio], axis=1), 44_100, subtype="PCM_16")
    return dst


def _mp3(src: Path, dst: Path) -> Path:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        pytest.skip("ffmpeg is not installed")
    subprocess.run([ffmpeg, "-nostdin", "-v", "error", "-y", "-i", str(src), "-ar", "22050",
                    str(dst)], check=True, timeout=60)
    return dst


def test_score_many_files_one_json_line_each(tmp_path: Path) -> None:
    stereo = _stereo_44k(FIXTURES / "price_hold_piper.wav", tmp_path / "hold_44k_stereo.wav")
    mp3 = _mp3(FIXTURES / "price_cave_piper.wav", tmp_path / "cave.mp3")
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF this is not audio")
    plain = FIXTURES / "time_hold_espeak.wav"
    paths = [stereo, broken, mp3, plain]
    done = subprocess.run([str(WALKAWAY), "score", *map(str, paths), "--json"],
                          capture_output=True, text=True, timeout=240, check=False)

    assert done.returncode == 1, done.stderr  # one file failed; the others still scored
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert [line["audio"] for line in lines] == [str(p) for p in paths]
    failed = lines[1]
    assert set(failed) == {"audio", "error"} and "broken.wav" in failed["error"]
    assert "broken.wav" in done.stderr

    cards = {Path(line["audio"]).name: line for line in lines if "error" not in line}
    for card in cards.values():
        assert CARD_FIELDS <= card.keys()
        assert 0 <= card["overall"] <= 100 and 0 <= card["confidence"]["score"] <= 100
    assert {"discount", "cost"} <= words_of(cards["hold_44k_stereo.wav"]["transcript"])
    assert "off" in words_of(cards["cave.mp3"]["transcript"])
    assert any(c["kind"] == "price" for c in cards["cave.mp3"]["concessions"])
    assert {"minutes", "thursday"} <= words_of(cards["time_hold_espeak.wav"]["transcript"])


def test_score_fillers_have_rate_and_timestamps() -> None:
    flac = Path(__file__).parents[1] / "data" / "audio" / "f01_onboarding.flac"
    done = subprocess.run([str(WALKAWAY), "score", str(flac), "--json"],
                          capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr
    fillers = json.loads(done.stdout)["fillers"]
    assert fillers["total"] >= 1 and fillers["per_minute"] > 0
    assert all(0 <= e["start"] <= e["end"] for e in fillers["events"])
