"""Imports go one way: inner packages never import outer ones (README.md, Layout).

Read with `ast`, so an import inside a function or under TYPE_CHECKING counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# A package may import itself and those of a lower rank only; equal ranks stay apart.
RANKS: dict[str, int] = {
    "scoring": 0,
    "dialog": 1,
    "voices": 1,
    "server.protocol": 2,
    "server.scoring_files": 3,  # reads recordings through server.audio_limits
    "server.audio_limits": 2,
    "server.call": 3,
    "server.storage": 3,
    "server.settings": 4,
    "server.http": 5,
    "server.calltest": 6,
    "server.cli": 7,
}
# What else a package must not import, whatever its rank.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "server.call": ("fastapi", "starlette", "sqlalchemy", "alembic", "uvicorn"),
    "scoring": ("fastapi", "sqlalchemy"),
    "dialog": ("fastapi", "sqlalchemy"),
    "voices": ("fastapi", "sqlalchemy"),
}


def _layer(module: str) -> str | None:
    """The entry of RANKS a dotted module name falls under (the longest prefix)."""
    best = None
    for name in RANKS:
        if (module == name or module.startswith(name + ".")) and (
            best is None or len(name) > len(best)
        ):
            best = name
    return best


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """Every module `path` imports, absolute, with its line number."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = _module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            # `from server import http` imports server.http
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def violations(path: Path, root: Path = ROOT) -> list[str]:
    """The imports in `path` that point outward (or at a forbidden library)."""
    own = _layer(_module_name(path, root))
    if own is None:
        return []
    out = []
    for line, target in imported_modules(path, root):
        where = f"{path.relative_to(root)}:{line} imports {target}"
        top = target.split(".")[0]
        if top in FORBIDDEN.get(own, ()):
            out.append(f"{where} ({own} must not use {top})")
        layer = _layer(target)
        if layer is None or layer == own:
            continue
        if RANKS[layer] >= RANKS[own]:
            out.append(f"{where} ({own} may not import {layer})")
    return out


def _product_files() -> list[Path]:
    files = []
    for top in ("scoring", "voices", "dialog", "server"):
        files.extend(p for p in (ROOT / top).rglob("*.py") if "migrations" not in p.parts)
    return sorted(files)


def test_every_product_module_is_in_a_layer() -> None:
    unplaced = [str(p.relative_to(ROOT)) for p in _product_files()
                if _layer(_module_name(p)) is None and p.name != "__init__.py"]
    assert unplaced == [], "place these in RANKS (tests/test_layers.py) and README's Layout"


def test_imports_point_inward() -> None:
    found = [v for p in _product_files() for v in violations(p)]
    assert found == []


@pytest.mark.parametrize(
    ("module", "source", "bad"),
    [
        ("server/call/x.py", "from server.http.state import app_state\n", True),
        ("server/call/x.py", "import fastapi\n", True),
        ("server/call/x.py", "def f():\n    from server.storage import CallStore\n", True),
        ("server/storage/x.py", "from ..call import session\n", True),
        ("server/storage/x.py", "from server import settings\n", True),
        ("voices/x.py", "from dialog.machine import Prospect\n", True),
        ("dialog/x.py", "from voices.audio import SAMPLE_RATE\n", True),
        ("scoring/x.py", "from voices.audio import SAMPLE_RATE\n", True),
        ("scoring/x.py", "from server.protocol import ErrorCode\n", True),
        ("voices/x.py", "from scoring.turns import Word\n", False),
        ("server/http/x.py", "from server.call.session import CallSession\n", False),
        ("server/call/x.py", "from .io import Recording\n", False),
        ("server/cli/x.py", "from server.calltest.runner import CallTester\n", False),
    ],
)
def test_the_checker_catches_an_outward_import(
    tmp_path: Path, module: str, source: str, bad: bool
) -> None:
    path = tmp_path / module
    path.parent.mkdir(parents=True)
    path.write_text(source)
    assert bool(violations(path, tmp_path)) is bad
