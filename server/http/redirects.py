"""Where a page may send the browser after sign-in: a path on this site, nothing else.

The value is parsed (urllib), never pattern-matched, and refused when a browser could read it
as another host: browsers drop tabs and newlines inside a URL and read a backslash as a slash,
so `/\\evil.example`, `/%09/evil.example` and `/%0A/evil.example` all mean `//evil.example`
to them (docs/security.md).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

HOME = "/calls"


def same_origin_path(raw: str | None, default: str = HOME) -> str:
    """`raw` rebuilt from its parsed path, query and fragment when it can only name a page of
    this site; `default` otherwise."""
    if not raw or any(ord(c) < 0x20 or ord(c) == 0x7F or c == "\\" for c in raw):
        return default
    try:
        parts = urlsplit(raw)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return default
    if parts.scheme or parts.netloc or not parts.path.startswith("/") \
            or raw.startswith("//"):
        return default
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))
