"""The pages: static HTML whose scripts talk to /api; unsigned visitors go to /login.

The signed-in pages share one bar (web/bar.html), put in where a page has `BAR_MARKER`.
"""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from server.http.auth import optional_user
from server.http.redirects import same_origin_path
from server.http.state import get_settings
from server.storage import CALL_ID, User

router = APIRouter(include_in_schema=False)
MaybeUser = Annotated[User | None, Depends(optional_user)]


BAR_MARKER = "<!-- the bar: web/bar.html, put in by server/http/pages.py -->"


def _page(request: Request, name: str) -> HTMLResponse:
    web: FsPath = get_settings(request).web_dir
    html = (web / name).read_text(encoding="utf-8")
    if BAR_MARKER in html:
        html = html.replace(BAR_MARKER, (web / "bar.html").read_text(encoding="utf-8").strip())
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


def _signed_in(request: Request, user: User | None, name: str) -> Response:
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    return _page(request, name)


@router.get("/calls")
def calls_page(request: Request, user: MaybeUser) -> Response:
    return _signed_in(request, user, "replay.html")


@router.get("/calls/{call_id}")
def call_page(request: Request, user: MaybeUser,
              call_id: Annotated[str, Path(max_length=200)]) -> Response:
    # any id gets the page: one that is no call shows the page's own "no such call"
    return _signed_in(request, user, "replay.html")


@router.get("/reps/{rep_id}")
def rep_page(request: Request, user: MaybeUser,
             rep_id: Annotated[str, Path(pattern=CALL_ID.pattern)]) -> Response:
    return _signed_in(request, user, "replay.html")


def _managers(request: Request, user: User | None, name: str) -> Response:
    # a rep who follows a manager's link lands on their practice page
    if user is not None and not user.is_manager:
        return RedirectResponse("/", status_code=303)
    return _signed_in(request, user, name)


@router.get("/team")
def team_page(request: Request, user: MaybeUser) -> Response:
    return _managers(request, user, "team.html")


@router.get("/scenarios")
def scenarios_page(request: Request, user: MaybeUser) -> Response:
    return _managers(request, user, "scenarios.html")


@router.get("/invite")
def invite_page(request: Request) -> Response:
    # the code is in the fragment: the page reads it, the server never sees it here
    return _page(request, "invite.html")


@router.get("/favicon.ico")
def favicon(request: Request) -> Response:
    """The icon browsers ask for on every page (an SVG: every current browser draws one)."""
    web: FsPath = get_settings(request).web_dir
    return FileResponse(web / "favicon.svg", media_type="image/svg+xml",
                        headers={"Cache-Control": "max-age=86400"})


@router.get("/login")
def login_page(request: Request, user: MaybeUser,
               next_page: Annotated[str | None, Query(alias="next", max_length=2000)] = None
               ) -> Response:
    # signed in (the page reloads itself after sign-in): on to `next`, if it is on this site
    if user is not None:
        return RedirectResponse(same_origin_path(next_page), status_code=303)
    return _page(request, "login.html")


@router.get("/setup")
def setup_page(request: Request) -> Response:
    return _page(request, "login.html")
