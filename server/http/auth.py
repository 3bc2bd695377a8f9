"""Who is asking: session cookies for the browser, bearer tokens for scripts and sockets.

Sessions and API tokens are both random tokens of which only a SHA-256 is stored, so a
sign-out or a revoked token takes effect at once. Cookie auth on the WebSocket also checks
the Origin, because browsers send cookies on cross-site socket handshakes.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import sys
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Response, WebSocket, status
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection

from server.http.crossorigin import same_origin
from server.http.state import AppState, Store, get_settings, get_store
from server.settings import Settings
from server.storage import CallStore, TokenKind, User
from server.storage.accounts import hash_token

_LOGGER = logging.getLogger(__name__)
SESSION_COOKIE = "walkaway_session"
DEVICE_COOKIE = "walkaway_device"  # a browser that signed in before (server/http/throttle.py)
_DEVICE_TTL = timedelta(days=365)

_bearer = HTTPBearer(auto_error=False, description="an API token from `walkaway users add`")
_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False,
                       description="set by POST /api/login")


def _lookup(store: CallStore, *, cookie: str | None, bearer: str | None) -> User | None:
    if bearer:
        return store.accounts.user_for_token(bearer, TokenKind.API)
    if cookie:
        return store.accounts.user_for_token(cookie, TokenKind.SESSION)
    return None


def optional_user(
    store: Store,
    cookie: Annotated[str | None, Depends(_cookie)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User | None:
    """The signed-in user, or None (sync: FastAPI runs it in its thread pool)."""
    bearer = credentials.credentials if credentials is not None else None
    return _lookup(store, cookie=cookie, bearer=bearer)


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    """The signed-in user (cookie or `Authorization: Bearer`); 401 otherwise."""
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "sign in first",
                            headers={"WWW-Authenticate": "Bearer"})
    return user


def require_manager(user: Annotated[User, Depends(current_user)]) -> User:
    """A signed-in manager; 403 for reps."""
    if not user.is_manager:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "managers only")
    return user


CurrentUser = Annotated[User, Depends(current_user)]
Manager = Annotated[User, Depends(require_manager)]


def _same_origin(connection: HTTPConnection) -> bool:
    origin = connection.headers.get("origin")
    if origin is None:
        return True  # not a browser
    return same_origin(origin, connection.headers.get("host", ""))


async def authenticate_socket(
    websocket: WebSocket, token: str | None = None, store: CallStore | None = None
) -> User | None:
    """The caller of a WebSocket: `Authorization` header, then the start message's `token`,
    then the session cookie (same origin only); None if none is valid."""
    store = store or get_store(websocket)
    header = websocket.headers.get("authorization", "")
    bearer = header[7:].strip() if header.lower().startswith("bearer ") else None
    cookie = websocket.cookies.get(SESSION_COOKIE)
    if cookie and not _same_origin(websocket):
        _LOGGER.warning("socket from origin %s refused its cookie",
                        websocket.headers.get("origin"))
        cookie = None
    for value, kind in ((bearer, TokenKind.API), (token, TokenKind.API),
                        (token, TokenKind.SESSION), (cookie, TokenKind.SESSION)):
        if value:
            user = await asyncio.to_thread(store.accounts.user_for_token, value, kind)
            if user is not None:
                return user
    return None


# --- browser sessions --------------------------------------------------------------------------

def start_session(request: Request, response: Response, user: User) -> None:
    """Issue a session token and set it as an HttpOnly, SameSite=Lax cookie."""
    settings: Settings = get_settings(request)
    ttl = timedelta(days=settings.session_days)
    token = get_store(request).accounts.issue_token(user.id, TokenKind.SESSION, ttl)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=int(ttl.total_seconds()), httponly=True,
        samesite="lax", path="/",
        secure=settings.cookie_secure or request.url.scheme == "https",
    )


def known_device(request: Request, name: str) -> str | None:
    """The throttle key of this browser if it signed in as `name` before, else None."""
    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie:
        return None
    user = get_store(request).accounts.user_for_token(cookie, TokenKind.DEVICE)
    return f"device:{hash_token(cookie)[:16]}" if user and user.name == name.strip() else None


def remember_device(request: Request, response: Response, user: User) -> None:
    """Mark this browser as one `user` signs in from; sent back to POST /api/login only."""
    token = get_store(request).accounts.issue_token(user.id, TokenKind.DEVICE, _DEVICE_TTL)
    response.set_cookie(
        DEVICE_COOKIE, token, max_age=int(_DEVICE_TTL.total_seconds()), httponly=True,
        samesite="strict", path="/api/login",
        secure=get_settings(request).cookie_secure or request.url.scheme == "https",
    )


def end_session(request: Request, response: Response) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        get_store(request).accounts.revoke_token(token)
    response.delete_cookie(SESSION_COOKIE, path="/")


# --- the first manager -------------------------------------------------------------------------

def prepare_setup(state: AppState) -> str | None:
    """With no users yet, make a one-time set-up code and print the link that uses it."""
    settings = state.settings
    if state.store.accounts.count() > 0:
        return None
    code = secrets.token_urlsafe(18)
    base = settings.public_url or f"http://{settings.host}:{settings.port}"
    link = f"{base.rstrip('/')}/setup?code={code}"
    # the code signs in a manager: it goes to the operator's console only, never to the logs
    if settings.auth_required:  # an in-process `walkaway call` (auth off) stays quiet
        _LOGGER.warning("no users yet: the one-time set-up link is printed on the console")
        print(f"walkaway: no users yet. Create the first manager at {link}",
              file=sys.stderr, flush=True)
    else:
        _LOGGER.info("no users yet: add one with `walkaway users add`")
    state.setup_code = code
    return code


def check_setup_code(state: AppState, code: str) -> bool:
    """Whether `code` is the one-time set-up code still waiting to be used."""
    expected = state.setup_code
    return bool(expected) and secrets.compare_digest(str(expected), code)
