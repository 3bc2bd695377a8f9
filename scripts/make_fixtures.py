"""Render the rep utterances in a manifest to 16 kHz mono audio files.

Two voices so the tests do not only hear the prospect's own voice: piper (bundled joe voice,
with changed length/noise scales) and Debian's espeak-ng. Run: .venv/bin/python
scripts/make_fixtures.py [--only ID ...] for tests/fixtures/*.wav, or
`--manifest tests/data/scored_utterances.yaml --out tests/data/audio --ext flac` for the
labelled scoring set. The files are committed; this script is how they were made.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from voices.audio import SAMPLE_RATE, pcm16_to_float, read_audio, resample, write_wav
from voices.tts.piper_tts import PiperOptions, PiperTTS

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def render_piper(text: str, length_scale: float, noise_scale: float) -> np.ndarray:
    """Speak `text` with the bundled piper voice at 16 kHz."""
    tts = _piper(length_scale, noise_scale)
    audio = pcm16_to_float(tts.synthesize_sync(text))
    return resample(audio, tts.sample_rate, SAMPLE_RATE)


@lru_cache(maxsize=8)
def _piper(length_scale: float, noise_scale: float) -> PiperTTS:
    # Loading the voice takes longer than speaking a line: reuse it across a manifest.
    return PiperTTS(PiperOptions(length_scale=length_scale, noise_scale=noise_scale)).load()


def render_espeak(text: str, voice: str, speed: int, pitch: int) -> np.ndarray:
    """Speak `text` with espeak-ng at 16 kHz."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise SystemExit("espeak-ng is not installed (apt-get install espeak-ng)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.wav"
        subprocess.run([espeak, "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", str(out),
                        text], check=True)
        return read_audio(out)


def frames_over(audio: np.ndarray, floor: float) -> np.ndarray:
    """Indices of the 10 ms frames of `audio` whose peak exceeds `floor`."""
    frames = len(audio) // 160
    return np.flatnonzero(np.abs(audio[: frames * 160]).reshape(frames, 160).max(axis=1) > floor)


def trim_silence(audio: np.ndarray, floor: float = 0.01) -> np.ndarray:
    """Cut a voice's own lead-in and tail silence, so a written pause is the real pause."""
    loud = frames_over(audio, floor)
    if loud.size == 0:
        return audio
    return audio[loud[0] * 160 : (loud[-1] + 1) * 160]


def render(entry: dict) -> np.ndarray:
    """Render one manifest entry; `pause` segments ("...") become silence of pause_s."""
    pieces = [p.strip() for p in entry["text"].split("...")] if entry.get("pause_s") else [
        entry["text"]]
    voice = entry.get("voice", "piper")
    out: list[np.ndarray] = []
    for i, piece in enumerate(pieces):
        if i:
            out.append(np.zeros(int(entry["pause_s"] * SAMPLE_RATE), dtype=np.float32))
        if voice == "piper":
            spoken = render_piper(piece, entry.get("length_scale", 1.0),
                                  entry.get("noise_scale", 0.667))
        else:
            spoken = render_espeak(piece, entry.get("espeak_voice", "en-us"),
                                   entry.get("speed", 160), entry.get("pitch", 50))
        out.append(trim_silence(spoken) if len(pieces) > 1 else spoken)
    lead = np.zeros(int(0.3 * SAMPLE_RATE), dtype=np.float32)
    audio = np.concatenate([lead, *out, lead])
    return audio / max(1e-6, float(np.max(np.abs(audio)))) * 0.8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="ids to render (default: all)")
    parser.add_argument("--manifest", type=Path, default=FIXTURES / "manifest.yaml")
    parser.add_argument("--out", type=Path, help="output folder (default: the manifest's)")
    parser.add_argument("--ext", choices=("wav", "flac"), default="wav",
                        help="flac keeps a large set small; both are 16-bit PCM")
    args = parser.parse_args()
    manifest = yaml.safe_load(args.manifest.read_text())
    out = args.out or args.manifest.parent
    out.mkdir(parents=True, exist_ok=True)
    for entry in manifest["utterances"]:
        if args.only and entry["id"] not in args.only:
            continue
        path = out / f"{entry['id']}.{args.ext}"
        write_wav(path, render(entry))  # soundfile picks WAV or FLAC from the suffix
        print(f"{path.name}: {entry['text']}")


if __name__ == "__main__":
    main()
