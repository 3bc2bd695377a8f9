"""An in-process app for the team and scenario-editor API tests: the real app and database,
driven through httpx's ASGI transport (no socket, no speech models unless a test passes them)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import httpx
from fastapi import FastAPI
from sqlalchemy.orm import Session

from server.http.app import create_app
from server.settings import Settings
from server.storage import CallStatus, CallStore, Role, TokenKind, User
from server.storage.models import CallRow
from voices.engines import Engines


@dataclass
class TeamSite:
    app: FastAPI
    store: CallStore
    manager: User
    rep_a: User
    rep_b: User
    tokens: dict[str, str]

    def client(self, who: str | None = None) -> httpx.AsyncClient:
        """A client signed in with `who`'s API token ("manager", "a", "b"), or anonymous."""
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app),
                                 base_url="http://testserver", headers=headers, timeout=30)

    def add_call(self, user: User, scenario: str, difficulty: str, overall: float | None,
                 started_at: datetime | None = None) -> str:
        """A finished call row as the recorder leaves it (no audio: progress reads rows)."""
        call_id = uuid4().hex
        with Session(self.store.engine) as session, session.begin():
            session.add(CallRow(id=call_id, user_id=user.id, scenario=scenario,
                                difficulty=difficulty, source="practice",
                                started_at=started_at or datetime.now(UTC),
                                ended_at=datetime.now(UTC), status=str(CallStatus.COMPLETE),
                                outcome="won", overall=overall, duration=30.0,
                                audio_path=f"calls/{call_id}.wav"))
        return call_id


@asynccontextmanager
async def team_site(data_dir: Path, db_url: str | None = None,
                    engines: Engines | None = None,
                    scenario_dir: Path | None = None) -> AsyncIterator[TeamSite]:
    """A manager (maria) and two reps (alex, blake) with API tokens."""
    app = create_app(Settings(data_dir=data_dir, database_url=db_url, scenario_dir=scenario_dir),
                     engines)
    store: CallStore = app.state.store
    await store.start()
    if engines is not None:
        app.state.engines_ = engines
    try:
        accounts = store.accounts
        manager = accounts.create("maria", Role.MANAGER, "manager-pass")
        rep_a = accounts.create("alex", Role.REP, "alex-pass-1")
        rep_b = accounts.create("blake", Role.REP, "blake-pass")
        tokens = {name: accounts.issue_token(user.id, TokenKind.API)
                  for name, user in (("manager", manager), ("a", rep_a), ("b", rep_b))}
        yield TeamSite(app, store, manager, rep_a, rep_b, tokens)
    finally:
        await store.close()
