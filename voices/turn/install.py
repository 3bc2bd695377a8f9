"""Install Smart Turn v3.2's ONNX file from the `pipecat-ai` wheel on PyPI (install time only).

The model ships inside pipecat-ai, a whole voice framework: as a dependency it brings 28
packages (~95 MB of wheels: numba, llvmlite, openai, aiohttp, Pillow, protobuf, ...) and pins
soxr and soundfile to older releases than ours. We need one 8.7 MB file, so `make` runs
`python -m voices.turn.install`: pip downloads the pinned wheel (no dependencies), and the model
and its BSD-2 licence are copied out and checked against a known SHA-256. Stdlib only, so it
runs before anything else is installed. Nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "pipecat-ai==1.14.0"
MEMBER = "pipecat/audio/turn/smart_turn/data/smart-turn-v3.2-cpu.onnx"
LICENSE_MEMBER = "pipecat_ai-1.14.0.dist-info/licenses/LICENSE"
MODEL_NAME = "smart-turn-v3.2-cpu.onnx"
MODEL_SHA256 = "2bb026316b14a660486a75b1733cd3fbab8c2fd0314dc9af7be49f8cca967e4f"


def install_dir() -> Path:
    """Where the model is installed: $WALKAWAY_TURN_MODEL_DIR, else <venv>/share/walkaway."""
    if env := os.environ.get("WALKAWAY_TURN_MODEL_DIR"):
        return Path(env)
    return Path(sys.prefix) / "share" / "walkaway"


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def install(target: Path | None = None) -> Path:
    """Download the pinned wheel with pip, copy the model out, check it; returns its path."""
    target = target or install_dir()
    model = target / MODEL_NAME
    if model.is_file() and sha256(model) == MODEL_SHA256:
        return model
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--only-binary=:all:", "--dest", tmp, WHEEL], check=True)
        wheel = next(Path(tmp).glob("pipecat_ai-*.whl"))
        partial = target / f"{MODEL_NAME}.{os.getpid()}.partial"
        with zipfile.ZipFile(wheel) as archive:
            partial.write_bytes(archive.read(MEMBER))
            (target / "smart-turn-LICENSE").write_bytes(archive.read(LICENSE_MEMBER))
    if (digest := sha256(partial)) != MODEL_SHA256:
        partial.unlink()
        raise SystemExit(f"{WHEEL}: {MEMBER} has sha256 {digest}, expected {MODEL_SHA256}")
    partial.replace(model)
    return model


if __name__ == "__main__":
    print(install())
