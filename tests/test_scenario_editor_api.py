"""The scenario editor's API (issue 20), in process: managers only, every route validates its
input and answers 4xx with a reason (the field, for a scenario), versions keep old calls true,
built-in and file scenarios are read-only and duplicable, YAML round trip, hear a line."""

from __future__ import annotations

import copy
import io
import wave
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest_asyncio
import yaml

from dialog.scenario import BUILTIN_DIR
from server.http.api_hear import sample_line, sample_style
from server.http.api_scenarios import TEMPLATE
from tests.support.team_site import TeamSite, team_site
from voices.engines import Engines


@pytest_asyncio.fixture
async def site(tmp_path: Path) -> AsyncIterator[TeamSite]:
    extra = tmp_path / "scenarios"
    extra.mkdir()
    text = (BUILTIN_DIR / "send-info.yaml").read_text().replace("id: send-info", "id: our-own")
    (extra / "our-own.yaml").write_text(text)
    async with team_site(tmp_path / "data", scenario_dir=extra) as built:
        yield built


def draft(scenario_id: str = "tough-renewal", **changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(TEMPLATE) | {"id": scenario_id}
    body.update(changes)
    return body


async def test_a_manager_writes_a_scenario_and_reps_can_play_it(site: TeamSite) -> None:
    async with site.client("manager") as manager:
        made = await manager.post("/api/scenarios", json={"scenario": draft()})
        assert made.status_code == 201, made.text
        assert made.json() == {"id": "tough-renewal", "version": 1}
        library = {e["id"]: e for e in (await manager.get("/api/scenario-library")).json()}
        assert library["tough-renewal"]["source"] == "stored"
        assert library["tough-renewal"]["editable"] and library["tough-renewal"]["version"] == 1
        assert library["price-pressure"]["source"] == "builtin"
        assert library["our-own"]["source"] == "file"  # WALKAWAY_SCENARIO_DIR still loads
        assert not library["our-own"]["editable"]
    async with site.client("a") as rep:
        playable = {s["id"] for s in (await rep.get("/api/scenarios")).json()}
        assert {"tough-renewal", "our-own", "price-pressure"} <= playable
        assigned = {"scenario": "tough-renewal", "difficulty": "hard", "rep_ids": [site.rep_a.id]}
    async with site.client("manager") as manager:
        assert (await manager.post("/api/assignments", json=assigned)).status_code == 201


async def test_a_rep_cannot_read_write_or_assign_scenarios(site: TeamSite) -> None:
    async with site.client("manager") as manager:
        await manager.post("/api/scenarios", json={"scenario": draft()})
    attempts = [
        ("post", "/api/scenarios", {"json": {"scenario": draft("mine")}}),
        ("post", "/api/scenarios/check", {"json": {"scenario": draft("mine")}}),
        ("put", "/api/scenarios/tough-renewal", {"json": {"scenario": draft()}}),
        ("post", "/api/scenarios/price-pressure/duplicate", {"json": {"id": "mine"}}),
        ("delete", "/api/scenarios/tough-renewal", {}),
        ("post", "/api/scenarios/import", {"content": yaml.safe_dump(draft("mine"))}),
        ("get", "/api/scenarios/tough-renewal/body", {}),
        ("get", "/api/scenarios/tough-renewal/yaml", {}),
        ("get", "/api/scenario-library", {}),
        ("get", "/api/scenario-template", {}),
        ("get", "/api/scenario-choices", {}),
        ("post", "/api/scenarios/hear", {"json": {"text": "Hello."}}),
        ("post", "/api/assignments", {"json": {"scenario": "tough-renewal", "everyone": True}}),
    ]
    async with site.client("a") as rep:
        for method, path, kwargs in attempts:
            answer = await getattr(rep, method)(path, **kwargs)
            assert answer.status_code == 403, (method, path, answer.text)
            assert "managers only" in answer.text
    async with site.client("manager") as manager:
        assert (await manager.get("/api/scenarios/mine/body")).status_code == 404
        body = (await manager.get("/api/scenarios/tough-renewal/body")).json()
        assert body["version"] == 1  # nothing the rep tried went through


async def test_every_editor_route_refuses_bad_input_with_a_reason(site: TeamSite) -> None:
    bad_target = draft()
    bad_target["states"]["opening"]["on"]["concede"] = [{"to": "cavedd"}]
    no_title = draft()
    del no_title["title"]
    bad_knob = draft()
    bad_knob["states"]["opening"]["on"]["firm"][0]["min_firm"] = "firmness"
    cases: list[tuple[str, str, dict[str, Any], int, str]] = [
        ("post", "/api/scenarios", {"json": {"scenario": bad_target}}, 422,
         "states.opening.on.concede[0].to"),
        ("post", "/api/scenarios/check", {"json": {"scenario": bad_target}}, 422,
         "'cavedd' does not exist"),
        ("post", "/api/scenarios", {"json": {"scenario": no_title}}, 422, '"field":"title"'),
        ("post", "/api/scenarios", {"json": {"scenario": bad_knob}}, 422, "not a difficulty knob"),
        ("post", "/api/scenarios", {"json": {"scenario": draft("Bad Id")}}, 422, '"field":"id"'),
        ("post", "/api/scenarios", {"json": {"scenario": draft("price-pressure")}}, 409,
         "taken by a builtin scenario"),
        ("post", "/api/scenarios", {"json": {"scenario": draft("our-own")}}, 409,
         "taken by a file scenario"),
        ("post", "/api/scenarios", {"json": {"scenario": "not a mapping"}}, 422, "dict"),
        ("post", "/api/scenarios", {"json": {}}, 422, "scenario"),
        ("put", "/api/scenarios/price-pressure", {"json": {"scenario": draft("price-pressure")}},
         409, "read-only; duplicate it"),
        ("put", "/api/scenarios/our-own", {"json": {"scenario": draft("our-own")}}, 409,
         "read-only"),
        ("put", "/api/scenarios/nowhere", {"json": {"scenario": draft("nowhere")}}, 404,
         "no such scenario"),
        ("put", "/api/scenarios/Bad_Id", {"json": {"scenario": draft()}}, 422, "pattern"),
        ("post", "/api/scenarios/nowhere/duplicate", {"json": {"id": "x"}}, 404, "no such"),
        ("post", "/api/scenarios/price-pressure/duplicate", {"json": {"id": "send-info"}}, 409,
         "taken"),
        ("post", "/api/scenarios/price-pressure/duplicate", {"json": {"id": "UPPER"}}, 422,
         "pattern"),
        ("delete", "/api/scenarios/price-pressure", {}, 409, "stay"),
        ("delete", "/api/scenarios/nowhere", {}, 404, "no such scenario"),
        ("post", "/api/scenarios/import", {"content": b"id: [unclosed"}, 422, "not valid YAML"),
        ("post", "/api/scenarios/import", {"content": b"- a list"}, 422, "mapping"),
        ("post", "/api/scenarios/import", {"content": b"\xff\xfe"}, 422, "not valid YAML"),
        ("post", "/api/scenarios/import", {"content": b"a: " + b"x" * 300_000}, 413, "KiB"),
        ("post", "/api/scenarios/import", {"content": yaml.safe_dump(bad_target)}, 422,
         "states.opening.on.concede[0].to"),
        ("get", "/api/scenarios/price-pressure/body?version=2", {}, 404, "no versions"),
        ("get", "/api/scenarios/price-pressure/yaml?version=0", {}, 422, "greater than"),
        ("post", "/api/scenarios/hear", {"json": {"text": ""}}, 422, "at least 1"),
        ("post", "/api/scenarios/hear", {"json": {"text": "x" * 501}}, 422, "at most 500"),
    ]
    async with site.client("manager") as manager:
        for method, path, kwargs, code, reason in cases:
            answer = await getattr(manager, method)(path, **kwargs)
            assert answer.status_code == code, (method, path, answer.text)
            assert reason in answer.text, (method, path, answer.text)
        library = {e["id"] for e in (await manager.get("/api/scenario-library")).json()
                   if e["source"] == "stored"}
    assert library == set()  # nothing bad was stored


async def test_versions_keep_old_calls_true_and_yaml_round_trips(site: TeamSite) -> None:
    async with site.client("manager") as manager:
        copied = await manager.post("/api/scenarios/price-pressure/duplicate",
                                    json={"id": "our-price", "title": "Our price talk"})
        assert copied.status_code == 201 and copied.json()["version"] == 1
        body = (await manager.get("/api/scenarios/our-price/body")).json()["body"]
        assert body["title"] == "Our price talk"
    call = site.add_call(site.rep_a, "our-price", "normal", 70.0)
    site.app.state.stored.link_call(call, "our-price", 1)  # as the socket does at call start
    changed = body | {"title": "Our price talk, revised"}
    async with site.client("manager") as manager:
        saved = await manager.put("/api/scenarios/our-price",
                                  json={"scenario": changed, "version": 1})
        assert saved.json() == {"id": "our-price", "version": 2}
        stale = await manager.put("/api/scenarios/our-price",
                                  json={"scenario": changed, "version": 1})
        assert stale.status_code == 409 and "version 2 was saved" in stale.text
        renamed = await manager.put("/api/scenarios/our-price",
                                    json={"scenario": changed | {"id": "other"}})
        assert renamed.status_code == 422 and "the id stays" in renamed.text
        exported = await manager.get("/api/scenarios/our-price/yaml")
        assert exported.headers["content-disposition"].endswith('filename="our-price.yaml"')
        text = exported.text.replace("Our price talk, revised", "Our price talk, third")
        imported = await manager.post("/api/scenarios/import", content=text)
        assert imported.json() == {"id": "our-price", "version": 3}
        versions = (await manager.get("/api/scenarios/our-price/body")).json()["versions"]
        assert versions == [1, 2, 3]
        first = (await manager.get("/api/scenarios/our-price/body?version=1")).json()
        assert first["body"]["title"] == "Our price talk"
        played = (await manager.get(f"/api/calls/{call}/scenario")).json()
        assert (played["version"], played["body"]["title"]) == (1, "Our price talk")
        assert (await manager.delete("/api/scenarios/our-price")).status_code == 204
        still = (await manager.get(f"/api/calls/{call}/scenario")).json()
        assert still["version"] == 1  # removed from the picker, its calls still replay
    async with site.client("a") as rep:
        assert "our-price" not in {s["id"] for s in (await rep.get("/api/scenarios")).json()}
        mine = await rep.get(f"/api/calls/{call}/scenario")
        assert mine.status_code == 200 and mine.json()["body"]["title"] == "Our price talk"
    async with site.client("b") as other:
        assert (await other.get(f"/api/calls/{call}/scenario")).status_code == 404


def test_a_line_is_heard_with_the_drafts_persona_and_demand() -> None:
    said = sample_line("I'm {name} from {company}; we need {demand} percent. {bogus}", draft())
    assert said == "I'm Alex Morgan from Northwind; we need ten percent. Bogus"
    assert sample_line("Unclosed {brace", None) == "Unclosed brace"


async def test_hear_this_line_speaks_it_in_the_prospects_voice(
        tmp_path: Path, engines: Engines) -> None:
    async with team_site(tmp_path, engines=engines) as site, site.client("manager") as manager:
        answer = await manager.post("/api/scenarios/hear", json={
            "text": "We need {demand} percent off.", "scenario": draft()})
    assert answer.status_code == 200 and answer.headers["content-type"] == "audio/wav"
    assert answer.headers["x-line"] == "We need ten percent off."
    with wave.open(io.BytesIO(answer.content)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert 0.8 < seconds < 6.0
    # the persona's own voice: a slower speaker takes longer over the same line
    slow = draft()
    slow["persona"] = slow["persona"] | {"voice": {"length_scale": 1.4}}
    assert sample_style(slow).length_scale == 1.4
    assert sample_style(draft(persona={"name": ""})) == sample_style(None)  # not valid yet
    async with team_site(tmp_path / "again", engines=engines) as site, \
            site.client("manager") as manager:
        slower = await manager.post("/api/scenarios/hear", json={
            "text": "We need {demand} percent off.", "scenario": slow})
    with wave.open(io.BytesIO(slower.content)) as wav:
        assert wav.getnframes() / wav.getframerate() > 1.2 * seconds


async def test_a_call_over_the_socket_names_the_version_it_was_played_on(
        tmp_path: Path, engines: Engines) -> None:
    from dialog.scenario import parse_scenario
    from server.http.inprocess import serve_in_process
    from tests.support.call_helpers import Rep, stored

    async with team_site(tmp_path, engines=engines) as site:
        state = site.app.state
        state.stored.create(parse_scenario(draft("socket-one"), "test"), site.manager.id)
        async with serve_in_process(site.app) as base:
            url = base.replace("http://", "ws://") + "/ws/call"
            call_ids = []
            for title in ("First words", "Second words"):
                rep = await Rep.connect(url)
                call_ids.append(await rep.start(scenario="socket-one", difficulty="normal",
                                                token=site.tokens["a"]))
                await rep.until("prospect")
                await rep.end()
                await stored(site.store.calls, call_ids[-1])
                await rep.close()
                state.stored.save(parse_scenario(draft("socket-one", title=title), "test"),
                                  site.manager.id)
            assert [state.stored.call_version(c) for c in call_ids] == [1, 2]
            async with site.client("a") as rep_client:
                first = (await rep_client.get(f"/api/calls/{call_ids[0]}/scenario")).json()
    assert (first["version"], first["body"]["title"]) == (1, "A new prospect")


async def test_the_teams_own_scenarios_are_not_shown_to_strangers(site: TeamSite) -> None:
    async with site.client("manager") as manager:
        assert (await manager.post("/api/scenarios", json={"scenario": draft()})
                ).status_code == 201
    async with site.client() as anon, site.client("a") as rep:
        public = {s["id"] for s in (await anon.get("/api/scenarios")).json()}
        signed_in = {s["id"] for s in (await rep.get("/api/scenarios")).json()}
    assert "price-pressure" in public and "tough-renewal" not in public
    assert signed_in - public == {"tough-renewal"}
