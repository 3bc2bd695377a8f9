"""Keeps secrets that travel in URLs (the one-time set-up code, tokens) out of server logs,
and keeps callers from writing log lines of their own.

uvicorn's access log writes each request's path with its query string, so
`GET /setup?code=...` would put the code that creates the first manager in the log. A value
a caller chose (a decoded path, a file name) may hold a newline that would start a forged
line: every string argument of every log record has its control characters escaped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

_SECRET_PARAM = re.compile(r"(?i)\b(code|token|password|access_token)=[^&\s\"']+")
_SECRET_FIELD = re.compile(r'(?i)("(?:code|token|password)"\s*:\s*)"[^"]*"')  # in JSON frames
_TOKEN = re.compile(r"\bwk_[A-Za-z0-9_-]{16,}")  # every API and session token has this prefix
_LOGGERS = ("uvicorn.access", "uvicorn.error")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def escape_controls(text: str) -> str:
    """`text` with each control character written as its escape (a newline as \\n)."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def redact(text: str) -> str:
    """`text` with the values of secret-looking query parameters replaced."""
    text = _SECRET_PARAM.sub(r"\1=[redacted]", text)
    text = _SECRET_FIELD.sub(r'\1"[redacted]"', text)
    return _TOKEN.sub("wk_[redacted]", text)


class RedactSecrets(logging.Filter):
    """Rewrites string arguments of a record (where uvicorn puts the path) before output."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def _escaping(make: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def make_escaped(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        if isinstance(record.args, tuple):
            record.args = tuple(escape_controls(a) if isinstance(a, str) else a
                                for a in record.args)
        return record

    make_escaped.escapes_controls = True  # type: ignore[attr-defined]
    return make_escaped


def install() -> None:
    """Filter uvicorn's request logs, and escape every record's string arguments
    (idempotent; call after logging is configured)."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "escapes_controls", False):
        logging.setLogRecordFactory(_escaping(factory))
