"""Every response carries the security headers, whatever answered it (page, API, static
file, redirect, 401, 404, the cross-site guard's 403); the API docs load nothing from a CDN:
the interactive pages are gone and /openapi.json stays (docs/security.md)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from server.http.app import create_app
from server.http.inprocess import serve_in_process
from server.settings import Settings
from server.storage import Role, TokenKind
from voices.engines import Engines

REQUESTS = [("GET", "/"), ("GET", "/login"), ("GET", "/login?next=//evil"), ("GET", "/calls"),
            ("GET", "/static/app.js"), ("GET", "/static/no-such.js"), ("GET", "/favicon.ico"),
            ("GET", "/healthz"), ("GET", "/api/calls"), ("GET", "/api/scenarios"),
            ("GET", "/openapi.json"), ("GET", "/no/such/page"), ("POST", "/api/login"),
            ("GET", "/api/calls/not-an-id")]


async def test_every_response_carries_the_security_headers(
    engines: Engines, tmp_path: Path
) -> None:
    app = create_app(Settings(data_dir=tmp_path), engines)
    async with serve_in_process(app) as base:
        user = app.state.store.accounts.create("hal", Role.REP, "hal-pass-1")
        token = app.state.store.accounts.issue_token(user.id, TokenKind.API)
        async with httpx.AsyncClient(base_url=base) as client:
            answers = [await client.request(m, p) for m, p in REQUESTS]
            signed_in = {"Authorization": f"Bearer {token}"}
            answers.append(await client.get("/api/me", headers=signed_in))
            cross_site = {"Origin": "http://evil.example"}
            answers.append(await client.post("/api/logout", headers=cross_site))
    statuses = sorted({a.status_code for a in answers})
    assert {200, 303, 401, 403, 404, 422} <= set(statuses), statuses
    for answer in answers:
        headers = answer.headers
        where = (answer.request.method, answer.request.url.path, answer.status_code)
        csp = headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, where
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
        assert headers.get("x-content-type-options") == "nosniff", where
        assert headers.get("referrer-policy") == "same-origin", where
        assert headers.get("x-frame-options") == "DENY", where


async def test_no_page_loads_a_script_from_elsewhere(engines: Engines, tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path), engines)
    async with serve_in_process(app) as base:
        async with httpx.AsyncClient(base_url=base) as client:
            for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
                assert (await client.get(path)).status_code == 404, path
            schema = await client.get("/openapi.json")
            assert schema.status_code == 200 and "/api/calls/upload" in schema.json()["paths"]
            pages = [await client.get(p) for p in ("/", "/login", "/setup")]
    for page in pages:
        sources = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", page.text)
        assert sources and all(s.startswith("/static/") for s in sources), sources
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text)  # no inline script
