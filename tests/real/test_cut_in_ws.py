"""A rep who talks for thirty seconds without a pause, on `hard`, over `/ws/call` with real
models: the prospect cuts in, and the stored call's transcript and replay show it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from dialog import builtin_catalog
from server.calltest.client import ScriptOptions, run_scripted_call
from server.http.app import create_app
from server.http.inprocess import serve_in_process
from server.settings import Settings
from server.storage import Role, TokenKind
from tests.support.helpers import FIXTURES, words_of
from voices.audio import read_audio
from voices.engines import Engines


async def test_a_thirty_second_monologue_on_hard_is_cut_in_on_and_kept(
    engines: Engines, tmp_path: Path
) -> None:
    scenario = builtin_catalog().get("price-pressure")
    app = create_app(Settings(data_dir=tmp_path, partial_interval_s=0.0), engines)
    async with serve_in_process(app) as base:
        store = app.state.store
        rep = store.accounts.create("rita", Role.REP, "rita-pass-1")
        token = store.accounts.issue_token(rep.id, TokenKind.API)
        monologue = read_audio(FIXTURES / "monologue_espeak.wav")  # 30.5 s, no pause > 0.2 s
        result = await run_scripted_call(
            base.replace("http://", "ws://") + "/ws/call", [monologue],
            ScriptOptions("price-pressure", difficulty="hard", seed=1, fast=True, token=token))
        [ready] = result.of_type("ready")
        persona = ready["persona"]
        assert persona["name"] in {p.name for p in scenario.personas}
        # the rep's turn was ended where the prospect cut in, and the line says so
        cut = [t for t in result.of_type("transcript") if t["cut"]]
        assert len(cut) == 1 and {"tell", "trucks"} <= words_of(cut[0]["text"])
        # hard: 20 s from the turn's start, moved by at most 3 s for a persona
        assert cut[0]["end"] - cut[0]["start"] < 23.5, cut
        [line] = [p for p in result.of_type("prospect") if p["cut_in"]]
        assert line["turn"] == cut[0]["turn"] + 1
        assert result.prospect_audio.get(line["turn"]), "the rep hears the cut-in"

        async with httpx.AsyncClient(base_url=base, timeout=60,
                                     headers={"Authorization": f"Bearer {token}"}) as http:
            # the call is stored just after its scorecard is sent: on a busy machine a replay
            # asked for at once can still find it live (bounded: 30 s)
            for _ in range(60):
                stored = (await http.get(f"/api/calls/{ready['call_id']}")).json()
                if stored["call"]["status"] != "live":
                    break
                await asyncio.sleep(0.5)
    turns = {t["index"]: t for t in stored["turns"]}
    assert turns[cut[0]["turn"]]["speaker"] == "rep" and turns[cut[0]["turn"]]["cut"] is True
    assert turns[line["turn"]]["text"] == line["text"]
    assert [m["turn"] for m in stored["markers"] if m["kind"] == "cut_in"] == [cut[0]["turn"]]
    assert stored["scorecard"]["metrics"]["prospect_cut_ins"] == 1
    assert stored["scorecard"]["persona"] == persona
    assert any(e["event"].get("cut_in") for e in stored["events"]
               if e["event"].get("type") == "prospect")
