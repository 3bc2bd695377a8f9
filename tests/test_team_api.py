"""Team admin over the API (issue 20), in process, on SQLite and PostgreSQL: assignments and
each rep's progress, what reps may not do or see, invites, password resets, the sign-in log."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import update
from sqlalchemy.orm import Session

from server.storage import Role, TokenKind
from server.storage.team import Invites
from server.storage.team_models import AssignmentRow
from tests.support.storage_fixtures import BACKENDS, database_url_for
from tests.support.team_site import TeamSite, team_site


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    yield from database_url_for(request.param)  # a fresh PostgreSQL schema per test


@pytest_asyncio.fixture
async def site(db_url: str | None, tmp_path: Path) -> AsyncIterator[TeamSite]:
    async with team_site(tmp_path, db_url) as built:
        yield built


def _assign(site: TeamSite, **fields: object) -> dict[str, object]:
    body: dict[str, object] = {"scenario": "price-pressure", "difficulty": "normal",
                               "pass_mark": 70, "rep_ids": [site.rep_a.id]}
    body.update(fields)
    return body


async def test_a_manager_assigns_and_the_team_page_shows_attempts_best_passed_overdue(
        site: TeamSite) -> None:
    site.add_call(site.rep_a, "price-pressure", "normal", 95.0,
                  started_at=datetime.now(UTC) - timedelta(days=1))  # before: does not count
    async with site.client("manager") as manager:
        made = await manager.post("/api/assignments", json=_assign(
            site, due=(date.today() + timedelta(days=3)).isoformat()))
        assert made.status_code == 201, made.text
        first = made.json()
        assert first["scenario_title"] and first["rep_ids"] == [site.rep_a.id]
        everyone = (await manager.post("/api/assignments", json=_assign(
            site, scenario="send-info", difficulty="hard", pass_mark=50, rep_ids=[],
            everyone=True))).json()
        site.add_call(site.rep_a, "price-pressure", "normal", 55.0)
        best = site.add_call(site.rep_a, "price-pressure", "normal", 81.5)
        site.add_call(site.rep_a, "price-pressure", "easy", 99.0)  # other difficulty
        site.add_call(site.rep_b, "send-info", "hard", 40.0)
        board = (await manager.get("/api/assignments")).json()
    rows = {(p["assignment_id"], p["rep_name"]): p for p in board["progress"]}
    assert set(rows) == {(first["id"], "alex"), (everyone["id"], "alex"),
                         (everyone["id"], "blake")}
    alex = rows[(first["id"], "alex")]
    assert (alex["attempts"], alex["best"], alex["passed"], alex["overdue"]) == (
        2, 81.5, True, False)
    assert alex["last_call_id"] == best
    blake = rows[(everyone["id"], "blake")]
    assert (blake["attempts"], blake["best"], blake["passed"]) == (1, 40.0, False)
    assert rows[(everyone["id"], "alex")]["attempts"] == 0
    # the due date passes with blake still under the mark: overdue; alex passed: not
    with Session(site.store.engine) as session, session.begin():
        session.execute(update(AssignmentRow).values(due_at=datetime.now(UTC) - timedelta(1)))
    async with site.client("manager") as manager:
        board = (await manager.get("/api/assignments")).json()
    overdue = {(p["assignment_id"], p["rep_name"]): p["overdue"] for p in board["progress"]}
    assert overdue[(everyone["id"], "blake")] and not overdue[(first["id"], "alex")]


async def test_a_rep_sees_only_their_own_assignments_and_cannot_assign(site: TeamSite) -> None:
    async with site.client("manager") as manager:
        to_a = (await manager.post("/api/assignments", json=_assign(site))).json()
        to_b = (await manager.post("/api/assignments", json=_assign(
            site, rep_ids=[site.rep_b.id]))).json()
    site.add_call(site.rep_b, "price-pressure", "normal", 90.0)
    async with site.client("a") as rep:
        assert (await rep.post("/api/assignments", json=_assign(site))).status_code == 403
        assert (await rep.get("/api/assignments")).status_code == 403
        assert (await rep.delete(f"/api/assignments/{to_a['id']}")).status_code == 403
        mine = (await rep.get("/api/assignments/mine")).json()
        for path in ("/api/users", "/api/sign-ins", "/api/invites"):
            assert (await rep.get(path)).status_code == 403, path
        assert (await rep.post("/api/invites", json={"role": "manager"})).status_code == 403
        reset = await rep.post(f"/api/users/{site.rep_b.id}/password",
                               json={"password": "taken-over-1"})
        assert reset.status_code == 403
    assert [a["id"] for a in mine["assignments"]] == [to_a["id"]]
    assert {p["rep_id"] for p in mine["progress"]} == {site.rep_a.id}
    assert to_b["id"] not in str(mine)
    async with site.client() as anon:
        assert (await anon.get("/api/assignments/mine")).status_code == 401


_BAD_ASSIGNMENTS: list[tuple[dict[str, object], str]] = [
    ({"scenario": "no-such-thing"}, "unknown scenario"),
    ({"difficulty": "brutal"}, "unknown difficulty"),
    ({"pass_mark": 101}, "less than or equal to 100"),
    ({"everyone": True}, "not both"),
    ({"rep_ids": []}, "at least one rep"),
    ({"rep_ids": ["not-an-id"]}, "not a user id"),
    ({"rep_ids": ["0" * 32]}, "no rep with id"),
    ({"due": "2001-01-01"}, "due date has passed"),
    ({"due": "someday"}, "date"),
]


async def test_every_bad_assignment_is_a_4xx_with_a_reason(site: TeamSite) -> None:
    async with site.client("manager") as manager:
        for fields, reason in _BAD_ASSIGNMENTS:
            answer = await manager.post("/api/assignments", json=_assign(site, **fields))
            assert answer.status_code == 422, fields
            assert reason in answer.text, (fields, answer.text)
        assert (await manager.get("/api/assignments")).json()["assignments"] == []


async def test_a_manager_is_no_rep_to_assign_and_a_withdrawn_assignment_goes(
        site: TeamSite) -> None:
    async with site.client("manager") as manager:
        answer = await manager.post("/api/assignments",
                                    json=_assign(site, rep_ids=[site.manager.id]))
        assert answer.status_code == 422 and "no rep" in answer.text
        made = (await manager.post("/api/assignments", json=_assign(site))).json()
        assert (await manager.delete(f"/api/assignments/{made['id']}")).status_code == 204
        assert (await manager.delete(f"/api/assignments/{made['id']}")).status_code == 404
        assert (await manager.get("/api/assignments")).json()["assignments"] == []


async def test_an_invite_link_signs_up_once_and_expires(site: TeamSite) -> None:
    async with site.client("manager") as manager:
        made = await manager.post("/api/invites", json={"role": "manager", "name": "sam",
                                                        "days": 2})
        assert made.status_code == 201
        invite = made.json()
        assert invite["link"].startswith("http://testserver/invite#wi_")
        assert [i["id"] for i in (await manager.get("/api/invites")).json()] == [invite["id"]]
        too_long = await manager.post("/api/invites", json={"days": 365})
        assert too_long.status_code == 422
    code = invite["link"].split("#", 1)[1]
    async with site.client() as browser:
        checked = await browser.post("/api/invites/check", json={"code": code})
        assert checked.json()["role"] == "manager" and checked.json()["name"] == "sam"
        short = await browser.post("/api/invites/accept",
                                   json={"code": code, "name": "sam", "password": "short"})
        assert short.status_code == 422
        taken = await browser.post("/api/invites/accept",
                                   json={"code": code, "name": "alex", "password": "long-enough"})
        assert taken.status_code == 409 and "already exists" in taken.text
        joined = await browser.post("/api/invites/accept",
                                    json={"code": code, "name": "sam", "password": "long-enough"})
        assert joined.status_code == 201, joined.text
        assert joined.json()["role"] == "manager"
        me = await browser.get("/api/me")  # the session cookie from the sign-up
        assert me.status_code == 200 and me.json()["name"] == "sam"
        again = await browser.post("/api/invites/accept",
                                   json={"code": code, "name": "sam2", "password": "long-enough"})
        assert again.status_code == 404 and "used, expired or wrong" in again.text
    expired_code, _ = Invites(site.store.engine).create(Role.REP, site.manager.id,
                                                        timedelta(seconds=-1))
    async with site.client() as browser:
        late = await browser.post("/api/invites/accept", json={
            "code": expired_code, "name": "late", "password": "long-enough"})
        assert late.status_code == 404
        assert (await browser.post("/api/invites/check", json={"code": "wi_nope"})
                ).status_code == 404
    async with site.client("manager") as manager:
        assert (await manager.get("/api/invites")).json() == []
        log = (await manager.get("/api/sign-ins")).json()
    assert [(s["user_name"], s["method"]) for s in log] == [("sam", "invite")]


async def test_a_cancelled_invite_no_longer_works(site: TeamSite) -> None:
    async with site.client("manager") as manager:
        invite = (await manager.post("/api/invites", json={})).json()
        assert (await manager.delete(f"/api/invites/{invite['id']}")).status_code == 204
        assert (await manager.delete(f"/api/invites/{invite['id']}")).status_code == 404
    async with site.client() as browser:
        code = invite["link"].split("#", 1)[1]
        answer = await browser.post("/api/invites/accept",
                                    json={"code": code, "name": "x", "password": "long-enough"})
        assert answer.status_code == 404


async def test_reset_password_remove_user_and_the_sign_in_log(site: TeamSite) -> None:
    async with site.client() as alex:
        signed = await alex.post("/api/login", json={"name": "alex", "password": "alex-pass-1"})
        assert signed.status_code == 200
        assert (await alex.get("/api/me")).status_code == 200
        async with site.client("manager") as manager:
            reset = await manager.post(f"/api/users/{site.rep_a.id}/password",
                                       json={"password": "new-alex-pass"})
            assert reset.status_code == 204
            assert (await manager.post(f"/api/users/{site.manager.id}/password",
                                       json={"password": "new-own-pass"})).status_code == 409
            assert (await manager.post(f"/api/users/{'0' * 32}/password",
                                       json={"password": "new-own-pass"})).status_code == 404
            assert (await manager.post(f"/api/users/{site.rep_a.id}/password",
                                       json={"password": "short"})).status_code == 422
        assert (await alex.get("/api/me")).status_code == 401  # the reset ended the session
        old = await alex.post("/api/login", json={"name": "alex", "password": "alex-pass-1"})
        assert old.status_code == 401
        new = await alex.post("/api/login", json={"name": "alex", "password": "new-alex-pass"})
        assert new.status_code == 200
    call = site.add_call(site.rep_b, "price-pressure", "normal", 60.0)
    async with site.client("manager") as manager:
        people = (await manager.get("/api/users")).json()
        by_name = {p["name"]: p for p in people}
        assert set(by_name) == {"maria", "alex", "blake"}
        assert by_name["alex"]["last_sign_in"] and by_name["blake"]["last_sign_in"] is None
        assert (await manager.delete(f"/api/users/{site.rep_b.id}")).status_code == 204
        assert "blake" not in {p["name"] for p in (await manager.get("/api/users")).json()}
        kept = (await manager.get(f"/api/calls/{call}")).json()["call"]
        assert kept["rep_name"] == "blake"  # the removed rep's call stays, under their name
        log = (await manager.get("/api/sign-ins", params={"user": site.rep_a.id})).json()
    assert [s["method"] for s in log] == ["password", "password"]
    assert all(s["address"] for s in log)


async def test_the_team_page_is_for_managers_and_the_invite_page_for_anyone(
        site: TeamSite) -> None:
    async with site.client("a") as rep, site.client("manager") as manager, \
            site.client() as anon:
        assert (await rep.get("/team")).headers["location"] == "/"
        assert (await rep.get("/scenarios")).status_code == 303
        assert (await manager.get("/team")).status_code == 200
        editor = await manager.get("/scenarios")
        assert editor.status_code == 200 and "scenarios.js" in editor.text
        assert (await anon.get("/team")).headers["location"].startswith("/login?next=")
        invite = await anon.get("/invite")
        assert invite.status_code == 200 and "invite.js" in invite.text


async def test_assigned_to_everyone_reaches_reps_who_join_later(site: TeamSite) -> None:
    async with site.client("manager") as manager:
        made = (await manager.post("/api/assignments", json=_assign(
            site, rep_ids=[], everyone=True))).json()
    late = site.store.accounts.create("casey", Role.REP, "casey-pass-1")
    token = site.store.accounts.issue_token(late.id, TokenKind.API)
    async with site.client() as casey:
        mine = (await casey.get("/api/assignments/mine",
                                headers={"Authorization": f"Bearer {token}"})).json()
    assert [(p["assignment_id"], p["rep_name"]) for p in mine["progress"]] == [
        (made["id"], "casey")]
