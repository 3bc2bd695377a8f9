"""`walkaway users ...`: create users, issue and revoke API tokens, remove users, from the
shell (mounted by server.cli.main; docs/cli.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console

from server.settings import Settings
from server.storage import AccountError, CallStore, Role, TokenKind, User

users_app = typer.Typer(help="Manage users and their API tokens.", no_args_is_help=True)
_OUT = Console()
_ERR = Console(stderr=True)


def _store() -> CallStore:
    store = CallStore(Settings().storage())
    store.start_sync(recover=False)  # a server may be running: its live calls are its own
    return store


def _user(store: CallStore, name: str) -> User:
    user = store.accounts.by_name(name)
    if user is None:
        _ERR.print(f"[red]error:[/red] no user named {name!r}")
        raise typer.Exit(1)
    return user


def _print_new_token(store: CallStore, user: User, days: float | None,
                     label: str | None) -> None:
    days = Settings().api_token_days if days is None else days
    token, info = store.accounts.issue(user.id, TokenKind.API, timedelta(days=days), label)
    expires = info.expires_at.strftime("%Y-%m-%d %H:%M UTC") if info.expires_at else "never"
    _ERR.print(f"API token {info.id} for {user.name!r}, expires {expires} (shown once):")
    print(token)


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="the user's sign-in name")],
    role: Annotated[Role, typer.Option(help="rep or manager")] = Role.REP,
    password: Annotated[str | None, typer.Option(help="for browser sign-in (8+ characters)")]
    = None,
) -> None:
    """Create a user and print an API token for them (shown once)."""
    store = _store()
    try:
        user = store.accounts.create(name, role, password)
    except AccountError as err:
        _ERR.print(f"[red]error:[/red] {err}")
        raise typer.Exit(1) from err
    _ERR.print(f"created {user.role} {user.name!r} ({user.id})")
    _print_new_token(store, user, None, None)


@users_app.command("token")
def token(
    name: Annotated[str, typer.Argument()],
    days: Annotated[float | None, typer.Option(min=0.001, help="valid for (default: "
                                               "WALKAWAY_API_TOKEN_DAYS, 90)")] = None,
    label: Annotated[str | None, typer.Option(help="what it is for, e.g. 'ci'")]
    = None,
) -> None:
    """Print a new API token for an existing user."""
    store = _store()
    _print_new_token(store, _user(store, name), days, label)


@users_app.command("tokens")
def tokens(name: Annotated[str, typer.Argument()]) -> None:
    """A user's API tokens: id, label, created, expires (never the tokens themselves)."""
    store = _store()
    for info in store.accounts.tokens(_user(store, name).id):
        expires = info.expires_at.strftime("%Y-%m-%d") if info.expires_at else "never"
        _OUT.print(f"{info.id}  {info.label or '-'}  created {info.created_at:%Y-%m-%d}  "
                   f"expires {expires}")


@users_app.command("revoke-token")
def revoke_token(
    token_id: Annotated[str | None, typer.Argument(
        help="the id `walkaway users tokens` shows, or the token itself")] = None,
    user: Annotated[str | None, typer.Option(
        "--user", help="revoke every API token and browser session of this user")] = None,
) -> None:
    """Revoke one API token, or everything a user signs in with (--user NAME)."""
    store = _store()
    if user is not None:
        ended = store.accounts.revoke_all(_user(store, user).id)
        _ERR.print(f"revoked {ended} token(s) and session(s) of {user!r}")
        return
    if not token_id:
        _ERR.print("[red]error:[/red] name a token id, or --user NAME")
        raise typer.Exit(2)
    done = (store.accounts.revoke_token(token_id) if token_id.startswith("wk_")
            else store.accounts.revoke_token_id(token_id))
    if not done:
        _ERR.print(f"[red]error:[/red] no token {token_id[:20]!r}")
        raise typer.Exit(1)
    _ERR.print("revoked")


@users_app.command("remove")
def remove(
    name: Annotated[str, typer.Argument()],
    yes: Annotated[bool, typer.Option("--yes", help="do not ask")] = False,
) -> None:
    """Remove a user: every token and session is revoked and they cannot sign in; their
    calls stay, under their name."""
    store = _store()
    found = _user(store, name)
    if not yes:
        typer.confirm(f"Remove {found.role} {found.name!r}?", abort=True)
    store.accounts.remove(found.id)
    _ERR.print(f"removed {found.name!r}; their calls stay")


@users_app.command("password")
def password(
    name: Annotated[str, typer.Argument()],
    new: Annotated[str, typer.Option("--password", prompt=True, hide_input=True,
                                     confirmation_prompt=True)],
) -> None:
    """Set a user's browser password; their browser sessions end."""
    store = _store()
    found = _user(store, name)
    try:
        ended = store.accounts.set_password(found.id, new)
    except AccountError as err:
        _ERR.print(f"[red]error:[/red] {err}")
        raise typer.Exit(1) from err
    _ERR.print(f"password set; {ended} browser session(s) ended")


@users_app.command("list")
def list_users() -> None:
    """Every user with their role and id."""
    for user in _store().accounts.all():
        _OUT.print(f"{user.name}  [dim]{user.role}  {user.id}[/dim]")
