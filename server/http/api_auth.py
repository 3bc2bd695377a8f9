"""Sign-in, sign-out, the first manager's set-up, API tokens and the list of reps."""

from __future__ import annotations

import logging
import math
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from pydantic import BaseModel, Field

from server.http.auth import (
    CurrentUser,
    Manager,
    check_setup_code,
    end_session,
    start_session,
)
from server.http.state import app_state, get_settings, get_store
from server.http.throttle import SignInThrottle
from server.storage import AccountError, CallStore, Role, TokenKind, User

_LOGGER = logging.getLogger(__name__)
router = APIRouter(tags=["users"])  # mounted under /api by server.http.api
Store = Annotated[CallStore, Depends(get_store)]


class UserOut(BaseModel):
    id: str
    name: str
    role: Role
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(id=user.id, name=user.name, role=user.role, created_at=user.created_at)


class LoginIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class SetupIn(LoginIn):
    code: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=1000)


class NewUserIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    role: Role = Role.REP
    password: str | None = Field(default=None, min_length=8, max_length=1000)


class TokenOut(BaseModel):
    token: str = Field(description="shown once; only its hash is stored")
    user: UserOut


@router.get("/me", summary="The signed-in user")
def me(user: CurrentUser) -> UserOut:
    return UserOut.of(user)


def _throttle_keys(request: Request, name: str | None) -> dict[str, int]:
    """What a failed sign-in counts against, with how many failures each may have."""
    settings = get_settings(request)
    address = request.client.host if request.client else "?"
    keys = {f"addr:{address}": settings.signin_failures_per_address}
    if name is not None:
        keys[_name_key(name)] = settings.signin_failures_per_name
    return keys


def _name_key(name: str) -> str:
    return f"name:{name.strip().lower()}"


def _wait_if_throttled(request: Request, keys: dict[str, int]) -> SignInThrottle:
    throttle = app_state(request).signin_throttle
    wait = math.ceil(throttle.retry_after(keys))
    if wait > 0:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS,
                            f"too many failed sign-ins; try again in {wait} s",
                            headers={"Retry-After": str(wait)})
    return throttle


@router.post("/login", summary="Sign in; sets the session cookie",
             responses={429: {"description": "too many failed sign-ins; see Retry-After"}})
def login(body: LoginIn, request: Request, response: Response, store: Store) -> UserOut:
    keys = _throttle_keys(request, body.name)
    throttle = _wait_if_throttled(request, keys)  # before hashing: no free CPU for guessers
    user = store.accounts.check_password(body.name, body.password)
    if user is None:
        throttle.failed(keys)
        _LOGGER.info("failed sign-in for %r", body.name)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong name or password")
    throttle.forget(_name_key(body.name))
    start_session(request, response, user)
    return UserOut.of(user)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, summary="Sign out")
def logout(request: Request, response: Response) -> None:
    end_session(request, response)


@router.post("/setup", summary="Create the first manager with the one-time code")
def setup(body: SetupIn, request: Request, response: Response, store: Store) -> UserOut:
    keys = _throttle_keys(request, None)
    throttle = _wait_if_throttled(request, keys)
    if not check_setup_code(app_state(request), body.code) or store.accounts.count() > 0:
        throttle.failed(keys)
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this set-up link is used or wrong")
    try:
        user = store.accounts.create(body.name, Role.MANAGER, body.password)
    except AccountError as err:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(err)) from err
    app_state(request).setup_code = None
    start_session(request, response, user)
    return UserOut.of(user)


@router.post("/tokens", summary="A new API token for the signed-in user")
def new_token(user: CurrentUser, store: Store) -> TokenOut:
    return TokenOut(token=store.accounts.issue_token(user.id, TokenKind.API), user=UserOut.of(user))


@router.get("/reps", summary="Reps (managers see all; a rep sees only themself)")
def reps(user: CurrentUser, store: Store) -> list[UserOut]:
    if not user.is_manager:
        return [UserOut.of(user)]
    return [UserOut.of(u) for u in store.accounts.all(Role.REP)]


@router.post("/users", summary="Create a user (managers only)", status_code=201)
def create_user(body: NewUserIn, _: Manager, store: Store) -> TokenOut:
    try:
        user = store.accounts.create(body.name, body.role, body.password)
    except AccountError as err:
        raise HTTPException(status.HTTP_409_CONFLICT, str(err)) from err
    return TokenOut(token=store.accounts.issue_token(user.id, TokenKind.API), user=UserOut.of(user))
