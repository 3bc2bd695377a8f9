"""`walkaway users ...`: create users and API tokens from the shell (mounted by server.cli.main)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from server.settings import Settings
from server.storage import AccountError, CallStore, Role, TokenKind

users_app = typer.Typer(help="Manage users and their API tokens.", no_args_is_help=True)
_OUT = Console()
_ERR = Console(stderr=True)


def _store() -> CallStore:
    store = CallStore(Settings().storage())
    store.start_sync()
    return store


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
    token = store.accounts.issue_token(user.id, TokenKind.API)
    _ERR.print(f"created {user.role} {user.name!r} ({user.id}); API token (shown once):")
    print(token)


@users_app.command("token")
def token(name: Annotated[str, typer.Argument()]) -> None:
    """Print a new API token for an existing user."""
    store = _store()
    user = store.accounts.by_name(name)
    if user is None:
        _ERR.print(f"[red]error:[/red] no user named {name!r}")
        raise typer.Exit(1)
    print(store.accounts.issue_token(user.id, TokenKind.API))


@users_app.command("password")
def password(
    name: Annotated[str, typer.Argument()],
    new: Annotated[str, typer.Option("--password", prompt=True, hide_input=True,
                                     confirmation_prompt=True)],
) -> None:
    """Set a user's browser password."""
    store = _store()
    user = store.accounts.by_name(name)
    if user is None:
        _ERR.print(f"[red]error:[/red] no user named {name!r}")
        raise typer.Exit(1)
    try:
        store.accounts.set_password(user.id, new)
    except AccountError as err:
        _ERR.print(f"[red]error:[/red] {err}")
        raise typer.Exit(1) from err


@users_app.command("list")
def list_users() -> None:
    """Every user with their role and id."""
    for user in _store().accounts.all():
        _OUT.print(f"{user.name}  [dim]{user.role}  {user.id}[/dim]")
