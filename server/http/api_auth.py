"""Sign-in, sign-out, the first manager's set-up, passwords, API tokens (with expiry and
revocation), removing users and the list of reps (docs/security.md)."""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, Response, status
from pydantic import BaseModel, Field

from server.http.auth import (
    SESSION_COOKIE,
    CurrentUser,
    Manager,
    check_setup_code,
    end_session,
    known_device,
    remember_device,
    start_session,
)
from server.http.api_team import UserId, record_sign_in
from server.http.state import Store, app_state, get_settings
from server.storage import AccountError, CallStore, Role, TokenInfo, TokenKind, User

_LOGGER = logging.getLogger(__name__)
router = APIRouter(tags=["users"])  # mounted under /api by server.http.api
TokenId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$", description="as GET .../tokens shows")]


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
    id: str = Field(description="names the token in lists and revocation")
    expires_at: datetime
    user: UserOut


class TokenInfoOut(BaseModel):
    id: str
    label: str | None
    created_at: datetime
    expires_at: datetime | None

    @classmethod
    def of(cls, info: TokenInfo) -> TokenInfoOut:
        return cls(id=info.id, label=info.label, created_at=info.created_at,
                   expires_at=info.expires_at)


class PasswordIn(BaseModel):
    current: str = Field(min_length=1, max_length=1000)
    new: str = Field(min_length=8, max_length=1000)


@router.get("/me", summary="The signed-in user")
def me(user: CurrentUser) -> UserOut:
    return UserOut.of(user)


def _address(request: Request) -> str:
    return request.client.host if request.client else "?"


def _address_keys(request: Request) -> dict[str, int]:
    """What every failed sign-in from this address counts against, with its allowance."""
    return {f"addr:{_address(request)}": get_settings(request).signin_failures_per_address}


def _pair_key(request: Request, name: str) -> str:
    return f"pair:{name.strip().lower()}|{_address(request)}"


def _refuse_if_waiting(request: Request, keys: dict[str, int], pair: str | None) -> None:
    throttle = app_state(request).signin_throttle
    waits = [throttle.retry_after(keys), throttle.pairs.retry_after(pair) if pair else 0.0]
    wait = math.ceil(max(waits))
    if wait > 0:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS,
                            f"too many failed sign-ins; try again in {wait} s",
                            headers={"Retry-After": str(wait)})


def _failed(request: Request, keys: dict[str, int], pair: str | None) -> None:
    throttle = app_state(request).signin_throttle
    throttle.failed(keys)
    if pair:
        throttle.pairs.failed(pair)


@router.post("/login", summary="Sign in; sets the session cookie",
             responses={429: {"description": "too many failed sign-ins; see Retry-After"}})
def login(body: LoginIn, request: Request, response: Response, store: Store) -> UserOut:
    # a browser that signed in as this name before waits only for its own failures
    device = known_device(request, body.name)
    keys = {} if device else _address_keys(request)
    pair = device or _pair_key(request, body.name)
    _refuse_if_waiting(request, keys, pair)  # before hashing: no free CPU for guessers
    user = store.accounts.check_password(body.name, body.password)
    if user is None:
        _failed(request, keys, pair)
        # never the typed name: it is sometimes a password typed in the wrong box
        _LOGGER.info("failed sign-in from %s", _address(request))
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong name or password")
    app_state(request).signin_throttle.pairs.forget(pair)
    start_session(request, response, user)
    record_sign_in(request, store, user.id, "password")
    if device is None:
        remember_device(request, response, user)
    return UserOut.of(user)


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT,
             summary="Change your password; your other sessions end")
def change_password(body: PasswordIn, user: CurrentUser, request: Request, store: Store) -> None:
    pair = _pair_key(request, user.name)
    _refuse_if_waiting(request, {}, pair)
    if store.accounts.check_password(user.name, body.current) is None:
        _failed(request, {}, pair)
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the current password is wrong")
    try:
        ended = store.accounts.set_password(user.id, body.new,
                                            keep_session=request.cookies.get(SESSION_COOKIE))
    except AccountError as err:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(err)) from err
    _LOGGER.info("user %s changed their password; %d other session(s) ended", user.id, ended)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, summary="Sign out")
def logout(request: Request, response: Response) -> None:
    end_session(request, response)


@router.post("/setup", summary="Create the first manager with the one-time code")
def setup(body: SetupIn, request: Request, response: Response, store: Store) -> UserOut:
    keys = _address_keys(request)
    _refuse_if_waiting(request, keys, None)
    if not check_setup_code(app_state(request), body.code) or store.accounts.count() > 0:
        _failed(request, keys, None)
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this set-up link is used or wrong")
    try:
        user = store.accounts.create(body.name, Role.MANAGER, body.password)
    except AccountError as err:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(err)) from err
    app_state(request).setup_code = None
    start_session(request, response, user)
    record_sign_in(request, store, user.id, "setup")
    return UserOut.of(user)


def _new_api_token(request: Request, store: CallStore, user: User) -> TokenOut:
    ttl = timedelta(days=get_settings(request).api_token_days)
    token, info = store.accounts.issue(user.id, TokenKind.API, ttl)
    return TokenOut(token=token, id=info.id, expires_at=info.created_at + ttl,
                    user=UserOut.of(user))


@router.post("/tokens", summary="A new API token for the signed-in user")
def new_token(user: CurrentUser, request: Request, store: Store) -> TokenOut:
    return _new_api_token(request, store, user)


@router.get("/tokens", summary="Your API tokens (never their values)")
def my_tokens(user: CurrentUser, store: Store) -> list[TokenInfoOut]:
    return [TokenInfoOut.of(t) for t in store.accounts.tokens(user.id)]


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Revoke an API token: your own, or anyone's for a manager")
def revoke_token(token_id: TokenId, user: CurrentUser, store: Store) -> None:
    info = store.accounts.token_by_id(token_id)
    if info is None or info.kind is not TokenKind.API or not (
            user.is_manager or info.user_id == user.id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such token")
    store.accounts.revoke_token_id(token_id)


@router.get("/users/{user_id}/tokens", summary="A user's API tokens (managers only)")
def user_tokens(user_id: UserId, _: Manager, store: Store) -> list[TokenInfoOut]:
    return [TokenInfoOut.of(t) for t in store.accounts.tokens(_existing(store, user_id).id)]


@router.delete("/users/{user_id}/tokens", status_code=status.HTTP_204_NO_CONTENT,
               summary="End every session and API token of a user (managers only)")
def revoke_user_tokens(user_id: UserId, manager: Manager, store: Store) -> None:
    ended = store.accounts.revoke_all(_existing(store, user_id).id)
    _LOGGER.info("manager %s revoked %d credential(s) of user %s", manager.id, ended, user_id)


@router.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Remove a user: everything they hold is revoked; their calls stay")
def remove_user(user_id: UserId, manager: Manager, store: Store) -> None:
    if user_id == manager.id:
        raise HTTPException(status.HTTP_409_CONFLICT, "you cannot remove yourself")
    store.accounts.remove(_existing(store, user_id).id)
    _LOGGER.info("manager %s removed user %s", manager.id, user_id)


def _existing(store: CallStore, user_id: str) -> User:
    user = store.accounts.by_id(user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such user")
    return user


@router.get("/reps", summary="Reps (managers see all; a rep sees only themself)")
def reps(user: CurrentUser, store: Store) -> list[UserOut]:
    if not user.is_manager:
        return [UserOut.of(user)]
    return [UserOut.of(u) for u in store.accounts.all(Role.REP)]


@router.post("/users", summary="Create a user (managers only)", status_code=201)
def create_user(body: NewUserIn, _: Manager, request: Request, store: Store) -> TokenOut:
    try:
        user = store.accounts.create(body.name, body.role, body.password)
    except AccountError as err:
        raise HTTPException(status.HTTP_409_CONFLICT, str(err)) from err
    return _new_api_token(request, store, user)
