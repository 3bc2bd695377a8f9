"""Refuses state-changing requests a browser sends from another site (CSRF).

Browsers label every request with where it came from: `Sec-Fetch-Site` (all current
browsers) or at least `Origin` on a POST. A request from our own pages says same-origin;
a form or script on another site says cross-site and is refused before any route runs. A
request with neither header is not from a browser (curl, `walkaway test`, a CI job with a
token) and cannot carry a victim's cookie by accident, so it passes. No token to thread
through the pages, and the session cookie stays SameSite=Lax as a second fence.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

_LOGGER = logging.getLogger(__name__)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_TRUSTED_FETCH_SITES = frozenset({"same-origin", "none"})  # "none": typed in the address bar


def is_cross_origin(method: str, headers: dict[str, str]) -> bool:
    """Whether a request is a browser's state-changing request from another origin."""
    if method.upper() in _SAFE_METHODS:
        return False
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site.lower() not in _TRUSTED_FETCH_SITES
    origin = headers.get("origin")
    return origin is not None and not same_origin(origin, headers.get("host", ""))


def same_origin(origin: str, host: str) -> bool:
    """Whether an `Origin` header names the host the request was sent to."""
    return urlsplit(origin).netloc.lower() == host.lower()


class CrossOriginGuard:
    """ASGI middleware: 403 for cross-origin POST/PUT/PATCH/DELETE over HTTP."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                       for k, v in scope["headers"]}
            if is_cross_origin(scope["method"], headers):
                _LOGGER.warning("refused a cross-site %s %s from %s", scope["method"],
                                scope["path"], headers.get("origin", "?"))
                body = json.dumps({"detail": "cross-site request refused"}).encode()
                await send({"type": "http.response.start", "status": 403,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
