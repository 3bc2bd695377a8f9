"""Scenarios written in the browser (issue 20): kept in the database with every version, on
the same pydantic model and validator as the YAML files (dialog.scenario.parse_scenario)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dialog.scenario import Scenario, parse_scenario
from server.storage.accounts import _aware, now
from server.storage.team_models import CallScenarioRow, ScenarioRow, ScenarioVersionRow


class ScenarioStoreError(Exception):
    """A stored scenario that cannot be created or changed; the message says why."""


@dataclass(frozen=True)
class StoredScenario:
    scenario: Scenario
    version: int
    created_by: str | None
    updated_at: datetime


@dataclass(frozen=True)
class VersionInfo:
    version: int
    created_by: str | None
    created_at: datetime


def source_of(scenario_id: str, version: int | None = None) -> str:
    """How errors name a stored scenario (where a file's path would be)."""
    return f"scenario {scenario_id}" + (f" v{version}" if version else "")


def body_of(scenario: Scenario) -> dict[str, Any]:
    """The JSON kept for a version: every field, so a later change of a default cannot
    change how an old call replays."""
    return scenario.model_dump(mode="json")


class ScenarioStore:
    """Stored scenarios; validated bodies are cached per (id, version), which never change."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._parsed: dict[tuple[str, int], Scenario] = {}
        self._lock = threading.Lock()

    def _parse(self, scenario_id: str, version: int, body: dict[str, Any]) -> Scenario:
        key = (scenario_id, version)
        with self._lock:
            found = self._parsed.get(key)
        if found is None:
            found = parse_scenario(body, source_of(scenario_id, version))
            with self._lock:
                self._parsed[key] = found
        return found

    def create(self, scenario: Scenario, created_by: str) -> StoredScenario:
        """Store a new scenario as version 1; ScenarioStoreError if its id is taken."""
        at = now()
        try:
            with Session(self._engine) as session, session.begin():
                if session.get(ScenarioRow, scenario.id) is not None:
                    raise ScenarioStoreError(f"a stored scenario {scenario.id!r} exists "
                                             "(removed ones keep their id)")
                session.add(ScenarioRow(id=scenario.id, version=1, created_by=created_by,
                                        created_at=at, updated_at=at))
                session.flush()
                session.add(ScenarioVersionRow(scenario_id=scenario.id, version=1,
                                               body=body_of(scenario), created_by=created_by,
                                               created_at=at))
        except IntegrityError as err:
            raise ScenarioStoreError(f"a stored scenario {scenario.id!r} exists") from err
        return StoredScenario(scenario, 1, created_by, at)

    def save(self, scenario: Scenario, created_by: str,
             expected_version: int | None = None) -> StoredScenario:
        """A new version of an existing scenario; calls made before keep theirs. With
        `expected_version`, refuses if someone saved in between."""
        at = now()
        with Session(self._engine) as session, session.begin():
            row = session.get(ScenarioRow, scenario.id, with_for_update=True)
            if row is None or row.removed_at is not None:
                raise ScenarioStoreError(f"no stored scenario {scenario.id!r}")
            if expected_version is not None and expected_version != row.version:
                raise ScenarioStoreError(f"version {row.version} was saved since you opened "
                                         f"version {expected_version}; reload it first")
            version = row.version + 1
            session.add(ScenarioVersionRow(scenario_id=scenario.id, version=version,
                                           body=body_of(scenario), created_by=created_by,
                                           created_at=at))
            row.version, row.updated_at = version, at
        return StoredScenario(scenario, version, created_by, at)

    def current(self) -> dict[str, StoredScenario]:
        """Every stored scenario not removed, at the version new calls start on."""
        query = (select(ScenarioRow, ScenarioVersionRow)
                 .join(ScenarioVersionRow, (ScenarioVersionRow.scenario_id == ScenarioRow.id)
                       & (ScenarioVersionRow.version == ScenarioRow.version))
                 .where(ScenarioRow.removed_at.is_(None)))
        with Session(self._engine) as session:
            rows = list(session.execute(query))
        return {row.id: StoredScenario(self._parse(row.id, row.version, v.body), row.version,
                                       row.created_by, _aware(row.updated_at))
                for row, v in rows}

    def get(self, scenario_id: str, version: int | None = None) -> StoredScenario | None:
        """One scenario at `version` (default: the current one); removed ones too, so old
        calls still replay."""
        with Session(self._engine) as session:
            row = session.get(ScenarioRow, scenario_id)
            if row is None:
                return None
            v = session.scalar(select(ScenarioVersionRow).where(
                ScenarioVersionRow.scenario_id == scenario_id,
                ScenarioVersionRow.version == (version or row.version)))
            if v is None:
                return None
            return StoredScenario(self._parse(scenario_id, v.version, v.body), v.version,
                                  v.created_by, _aware(v.created_at))

    def versions(self, scenario_id: str) -> list[VersionInfo]:
        query = (select(ScenarioVersionRow).where(ScenarioVersionRow.scenario_id == scenario_id)
                 .order_by(ScenarioVersionRow.version))
        with Session(self._engine) as session:
            return [VersionInfo(v.version, v.created_by, _aware(v.created_at))
                    for v in session.scalars(query)]

    def remove(self, scenario_id: str) -> bool:
        """No new calls on it; its versions stay for the calls made on them."""
        with Session(self._engine) as session, session.begin():
            done = session.execute(update(ScenarioRow).where(
                ScenarioRow.id == scenario_id, ScenarioRow.removed_at.is_(None))
                .values(removed_at=now()))
            return bool(done.rowcount)

    def exists(self, scenario_id: str) -> bool:
        """Whether the id is taken by a stored scenario, removed or not."""
        with Session(self._engine) as session:
            return session.get(ScenarioRow, scenario_id) is not None

    def version_of(self, scenario: Scenario) -> int | None:
        """The stored version this very object was parsed from (None: not a stored one)."""
        with self._lock:
            return next((v for (_, v), s in self._parsed.items() if s is scenario), None)

    # --- the version each call was played on -------------------------------------------------

    def link_call(self, call_id: str, scenario_id: str, version: int | None) -> None:
        with Session(self._engine) as session, session.begin():
            session.merge(CallScenarioRow(call_id=call_id, scenario_id=scenario_id,
                                          version=version))

    def call_version(self, call_id: str) -> int | None:
        """The stored-scenario version the call was played on, if it was one."""
        with Session(self._engine) as session:
            return session.scalar(select(CallScenarioRow.version)
                                  .where(CallScenarioRow.call_id == call_id))
