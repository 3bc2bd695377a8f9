"""The scenario editor's API (issue 20, docs/admin.md): managers write scenarios in the
browser on the same model and validator as the YAML files; every save is a new version (a
call names the one it was played on); built-in and file scenarios are read-only and can be
duplicated; YAML import and export. "Hear this line" is server/http/api_hear.py."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any, Literal

import yaml
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response, status
from pydantic import BaseModel, Field

from dialog.outcomes import Outcome
from dialog.scenario import (
    DIFFICULTIES,
    GROUP_KEYS,
    Difficulty,
    Scenario,
    ScenarioFileError,
    builtin_catalog,
    parse_scenario,
)
from scoring.cue_patterns import ConcessionKind
from scoring.rep_moves import MoveKind
from server.http import api_hear
from server.http.auth import CurrentUser, Manager
from server.http.state import AppState, Store, app_state
from server.storage import CALL_ID
from server.storage.scenario_store import ScenarioStoreError, StoredScenario, source_of

router = APIRouter(tags=["scenarios"])  # mounted under /api by server.http.api_team
router.include_router(api_hear.router)
ScenarioId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")]
MAX_YAML_BYTES = 256 * 1024
Source = Literal["builtin", "file", "stored"]
_BUILTIN_IDS = frozenset(builtin_catalog().ids())

# A new scenario starts from this: the smallest one that passes validation, for the manager to
# make their own (docs/admin.md). tests/test_scenario_editor_api.py keeps it valid.
TEMPLATE: dict[str, Any] = {
    "id": "new-scenario", "title": "A new prospect",
    "brief": "What the rep is told before the call.",
    "persona": {"name": "Alex Morgan", "role": "Operations director", "company": "Northwind",
                "temperament": "Busy and direct; wants a better deal."},
    "rep_goal": "Hold your price and win on value.",
    "demand": {"kind": "price", "start": 10, "unit": "percent", "direction": "up",
               "limit": 30},
    "difficulties": {
        "easy": {"firm_to_win": 2, "max_caves": 1, "escalation_step": 5, "patience": 4},
        "normal": {"firm_to_win": 3, "max_caves": 2, "escalation_step": 5, "patience": 3},
        "hard": {"firm_to_win": 4, "max_caves": 3, "escalation_step": 10, "patience": 2}},
    "start": "opening",
    "states": {
        "opening": {"lines": ["We like the product, but we need {demand} percent off to sign."],
                    "on": {"concede": [{"to": "caved"}],
                           "firm": [{"to": "won", "min_firm": "firm_to_win"},
                                    {"to": "opening"}],
                           "default": [{"to": "opening"}]}},
        "won": {"lines": ["Fair enough. You've made the case, let's sign it."], "end": True,
                "outcome": "won"},
        "caved": {"lines": ["Great, with that discount we have a deal."], "end": True,
                  "outcome": "won_with_concessions"},
    },
    "unclear_lines": ["Sorry, what do you mean?"],
    "silence_lines": ["Are you still there?"],
    "hangup_lines": ["I'll have to go. Call me back some other time."],
    "impatient_lines": ["This isn't going anywhere. We'll go with the other supplier."],
    "limit_lines": ["I'm out of time. Send me something in writing."],
}


class Problem(BaseModel):
    """Why a scenario was refused: the field (dotted path, as in the YAML) and the reason."""

    field: str
    message: str


class LibraryEntry(BaseModel):
    id: str
    title: str
    source: Source = Field(description="builtin and file scenarios are read-only")
    editable: bool
    version: int | None
    updated_at: datetime | None


class ScenarioOut(BaseModel):
    id: str
    source: Source
    editable: bool
    version: int | None
    versions: list[int]
    body: dict[str, Any]


class ScenarioIn(BaseModel):
    scenario: dict[str, Any]
    version: int | None = Field(default=None, ge=1,
                                description="the version you edited; refused if it moved on")


class DuplicateIn(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")
    title: str | None = Field(default=None, min_length=1, max_length=200)


class Saved(BaseModel):
    id: str
    version: int


def _invalid(err: ScenarioFileError) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                         Problem(field=err.field, message=err.message).model_dump())


def _validated(body: dict[str, Any], scenario_id: str | None = None) -> Scenario:
    try:
        return parse_scenario(body, source_of(scenario_id or str(body.get("id") or "draft")))
    except ScenarioFileError as err:
        raise _invalid(err) from err


def _source(state: AppState, scenario_id: str) -> Source | None:
    if scenario_id in state.catalog:
        return "builtin" if scenario_id in _BUILTIN_IDS else "file"
    return "stored" if state.stored.exists(scenario_id) else None


def _taken(state: AppState, scenario_id: str) -> None:
    source = _source(state, scenario_id)
    if source is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, Problem(
            field="id", message=f"{scenario_id!r} is taken by a {source} scenario; "
            "choose another id").model_dump())


def _stored(state: AppState, scenario_id: str, version: int | None = None) -> StoredScenario:
    found = state.stored.get(scenario_id, version)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such scenario"
                            + (f" version {version}" if version else ""))
    return found


def _body(scenario: Scenario) -> dict[str, Any]:
    return scenario.model_dump(mode="json", exclude_none=True)


@router.get("/scenario-library", summary="Every scenario with where it comes from "
            "(managers only)")
def library(_: Manager, request: Request) -> list[LibraryEntry]:
    state = app_state(request)
    stored = state.stored.current()
    out = [LibraryEntry(id=s.id, title=s.title, source=_source(state, s.id) or "file",
                        editable=False, version=None, updated_at=None) for s in state.catalog]
    out += [LibraryEntry(id=i, title=s.scenario.title, source="stored", editable=True,
                         version=s.version, updated_at=s.updated_at)
            for i, s in sorted(stored.items()) if i not in state.catalog]
    return out


@router.get("/scenario-template", summary="Where a new scenario starts (managers only)")
def template(_: Manager) -> dict[str, Any]:
    return TEMPLATE


class Choices(BaseModel):
    """What the editor's menus offer, from the model itself."""

    demand_kinds: list[str]
    transition_keys: list[str] = Field(description="move kinds, then firm and default")
    outcomes: list[str]
    knobs: list[str]
    guards: list[str]
    difficulties: list[str]


@router.get("/scenario-choices", summary="The editor's menus (managers only)")
def choices(_: Manager) -> Choices:
    return Choices(demand_kinds=[k.value for k in ConcessionKind],
                   transition_keys=[m.value for m in MoveKind] + list(GROUP_KEYS),
                   outcomes=[o.value for o in Outcome], knobs=list(Difficulty.model_fields),
                   guards=["min_firm", "min_caves", "max_caves"],
                   difficulties=list(DIFFICULTIES))


@router.get("/scenarios/{scenario_id}/body", summary="A scenario's fields, any version of a "
            "stored one (managers only)")
def scenario_body(scenario_id: ScenarioId, _: Manager, request: Request,
                  version: Annotated[int | None, Query(ge=1)] = None) -> ScenarioOut:
    state = app_state(request)
    source = _source(state, scenario_id)
    if source in ("builtin", "file"):
        if version is not None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"a {source} scenario has no versions")
        return ScenarioOut(id=scenario_id, source=source, editable=False, version=None,
                           versions=[], body=_body(state.catalog.get(scenario_id)))
    if source is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such scenario")
    found = _stored(state, scenario_id, version)
    return ScenarioOut(id=scenario_id, source="stored", editable=True, version=found.version,
                       versions=[v.version for v in state.stored.versions(scenario_id)],
                       body=_body(found.scenario))


@router.post("/scenarios/check", summary="Validate a draft without saving (managers only)",
             responses={422: {"model": Problem}})
def check(body: ScenarioIn, _: Manager) -> Saved:
    scenario = _validated(body.scenario)
    return Saved(id=scenario.id, version=0)


@router.post("/scenarios", status_code=status.HTTP_201_CREATED,
             summary="Store a new scenario as version 1 (managers only)",
             responses={409: {"model": Problem}, 422: {"model": Problem}})
def create(body: ScenarioIn, manager: Manager, request: Request) -> Saved:
    state = app_state(request)
    scenario = _validated(body.scenario)
    _taken(state, scenario.id)
    try:
        saved = state.stored.create(scenario, manager.id)
    except ScenarioStoreError as err:
        raise HTTPException(status.HTTP_409_CONFLICT,
                            Problem(field="id", message=str(err)).model_dump()) from err
    return Saved(id=saved.scenario.id, version=saved.version)


@router.put("/scenarios/{scenario_id}", summary="Save a new version of a stored scenario; "
            "calls made before keep theirs (managers only)",
            responses={409: {"model": Problem}, 422: {"model": Problem}})
def save(scenario_id: ScenarioId, body: ScenarioIn, manager: Manager, request: Request) -> Saved:
    state = app_state(request)
    source = _source(state, scenario_id)
    if source in ("builtin", "file"):
        raise HTTPException(status.HTTP_409_CONFLICT, Problem(
            field="id", message=f"a {source} scenario is read-only; duplicate it to change "
            "it").model_dump())
    if source is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such scenario")
    scenario = _validated(body.scenario, scenario_id)
    if scenario.id != scenario_id:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, Problem(
            field="id", message=f"the id stays {scenario_id!r}; duplicate it for a new "
            "id").model_dump())
    try:
        saved = state.stored.save(scenario, manager.id, body.version)
    except ScenarioStoreError as err:
        raise HTTPException(status.HTTP_409_CONFLICT,
                            Problem(field="version", message=str(err)).model_dump()) from err
    return Saved(id=scenario_id, version=saved.version)


@router.post("/scenarios/{scenario_id}/duplicate", status_code=status.HTTP_201_CREATED,
             summary="A stored copy of any scenario under a new id (managers only)",
             responses={409: {"model": Problem}})
def duplicate(scenario_id: ScenarioId, body: DuplicateIn, manager: Manager,
              request: Request) -> Saved:
    state = app_state(request)
    playable = state.playable()
    if scenario_id not in playable:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such scenario")
    _taken(state, body.id)
    fields = _body(playable.get(scenario_id)) | {"id": body.id}
    if body.title:
        fields["title"] = body.title
    try:
        saved = state.stored.create(_validated(fields), manager.id)
    except ScenarioStoreError as err:
        raise HTTPException(status.HTTP_409_CONFLICT,
                            Problem(field="id", message=str(err)).model_dump()) from err
    return Saved(id=body.id, version=saved.version)


@router.delete("/scenarios/{scenario_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Stop offering a stored scenario; its calls keep their version "
               "(managers only)")
def remove(scenario_id: ScenarioId, _: Manager, request: Request) -> None:
    state = app_state(request)
    if _source(state, scenario_id) in ("builtin", "file"):
        raise HTTPException(status.HTTP_409_CONFLICT, "built-in and file scenarios stay")
    if not state.stored.remove(scenario_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such scenario")


@router.get("/scenarios/{scenario_id}/yaml", summary="Export a scenario as a YAML file "
            "(managers only)", response_class=Response,
            responses={200: {"content": {"application/yaml": {}}}})
def export_yaml(scenario_id: ScenarioId, _: Manager, request: Request,
                version: Annotated[int | None, Query(ge=1)] = None) -> Response:
    found = scenario_body(scenario_id, _, request, version)
    text = yaml.safe_dump(found.body, sort_keys=False, allow_unicode=True, width=100)
    name = f"{scenario_id}.yaml"
    return Response(text, media_type="application/yaml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/scenarios/import", summary="Import a YAML scenario: new, or a new version of "
             "a stored one (managers only)",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/yaml": {"schema": {"type": "string"}}}}},
             responses={409: {"model": Problem}, 422: {"model": Problem}})
async def import_yaml(request: Request, manager: Manager) -> Saved:
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_YAML_BYTES:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE,
                                f"a scenario file is at most {MAX_YAML_BYTES // 1024} KiB")
    try:
        fields = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as err:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, Problem(
            field="", message=f"not valid YAML: {err}").model_dump()) from err
    if not isinstance(fields, dict):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, Problem(
            field="", message="expected a mapping of fields at the top level").model_dump())
    state = app_state(request)
    scenario_id = str(fields.get("id", ""))
    if _source(state, scenario_id) == "stored":
        return await asyncio.to_thread(save, scenario_id, ScenarioIn(scenario=fields), manager,
                                       request)
    return await asyncio.to_thread(create, ScenarioIn(scenario=fields), manager, request)


@router.get("/calls/{call_id}/scenario", summary="The scenario a call was played on, at the "
            "version it was played on")
def call_scenario(call_id: Annotated[str, Path(pattern=CALL_ID.pattern)], user: CurrentUser,
                  store: Store, request: Request) -> ScenarioOut:
    from server.http.api import visible_call  # api mounts this router: import when called

    record = visible_call(store, call_id, user)
    state = app_state(request)
    version = state.stored.call_version(call_id)
    if version is not None:
        found = _stored(state, record.scenario, version)
        return ScenarioOut(id=record.scenario, source="stored", editable=False,
                           version=version, versions=[version], body=_body(found.scenario))
    source = _source(state, record.scenario)
    if source in ("builtin", "file"):
        return ScenarioOut(id=record.scenario, source=source, editable=False, version=None,
                           versions=[], body=_body(state.catalog.get(record.scenario)))
    raise HTTPException(status.HTTP_404_NOT_FOUND, "this call was played on no known scenario")
