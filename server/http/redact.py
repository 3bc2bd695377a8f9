"""Keeps secrets that travel in URLs (the one-time set-up code, tokens) out of server logs.

uvicorn's access log writes each request's path with its query string, so
`GET /setup?code=...` would put the code that creates the first manager in the log.
"""

from __future__ import annotations

import logging
import re

_SECRET_PARAM = re.compile(r"(?i)\b(code|token|password|access_token)=[^&\s\"']+")
_SECRET_FIELD = re.compile(r'(?i)("(?:code|token|password)"\s*:\s*)"[^"]*"')  # in JSON frames
_TOKEN = re.compile(r"\bwk_[A-Za-z0-9_-]{16,}")  # every API and session token has this prefix
_LOGGERS = ("uvicorn.access", "uvicorn.error")


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


def install() -> None:
    """Filter uvicorn's request logs (idempotent; call after logging is configured)."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
