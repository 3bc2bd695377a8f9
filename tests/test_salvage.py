"""An interrupted call's turns and scorecard, rebuilt from its stored events (issue 21):
server/storage/salvage.py over events as the socket stores them, and the store's shutdown
path that uses it (a live call when the server stops)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel

from dialog.scenario import builtin_catalog
from scoring.turns import Speaker
from server.protocol import (
    ProspectAudioEndEvent,
    ProspectEvent,
    StopAudioEvent,
    TranscriptEvent,
)
from server.http.app import create_app
from server.http.state import AppState
from server.settings import Settings
from server.storage import CallStatus, CallStore
from server.storage.repository import StoredEvent
from server.storage.salvage import rebuild_turns, salvage_call
from tests.support.storage_fixtures import new_call_id
from voices.audio import SAMPLE_RATE

ASK = "Your quote is ten percent above the other supplier's. Match their price."
GIVE = "Okay, I can take fifteen percent off the annual license."


def _words(text: str, start: float, end: float) -> list[dict[str, Any]]:
    parts = text.split()
    step = (end - start) / len(parts)
    return [{"text": w, "start": round(start + i * step, 3),
             "end": round(start + (i + 1) * step, 3), "probability": 0.9}
            for i, w in enumerate(parts)]


def _said(turn: int, text: str, start: float, end: float) -> TranscriptEvent:
    return TranscriptEvent(turn=turn, text=text, start=start, end=end,
                           words=_words(text, start, end))


def call_events() -> list[tuple[float, BaseModel]]:
    """A call as the socket sends it, each event with the call clock it was stored at."""
    return [
        (0.5, ProspectEvent(turn=0, text=ASK, state="opening")),
        (4.2, ProspectAudioEndEvent(turn=0, duration=3.5)),  # sent once the audio is out
        (8.1, _said(1, GIVE, 5.0, 8.0)),
        (8.3, ProspectEvent(turn=2, text="Fifteen? Make it twenty and we sign.",
                            state="pushing")),
        (9.0, StopAudioEvent(turn=2)),  # the rep cut in, 0.7 s into the line
        (9.4, ProspectAudioEndEvent(turn=2, duration=1.1)),
        (12.0, _said(3, "We can talk about the rollout plan.", 9.2, 11.5)),
    ]


def stored(events: list[tuple[float, BaseModel]]) -> list[StoredEvent]:
    return [StoredEvent(seq, at, event.model_dump(mode="json"))
            for seq, (at, event) in enumerate(events)]


def test_turns_are_rebuilt_from_the_events() -> None:
    events = [*stored(call_events()),
              StoredEvent(99, 0.6, {"type": "transcript", "turn": "nine"})]  # a bad row
    turns = rebuild_turns(events)
    assert [(t.index, t.speaker) for t in turns] == [
        (0, Speaker.PROSPECT), (1, Speaker.REP), (2, Speaker.PROSPECT), (3, Speaker.REP)]
    opening, give, pushed, rollout = turns
    # a prospect line starts where its event was stored and lasts as long as its audio
    assert (opening.start, opening.end, opening.cut) == (0.5, 4.0, False)
    assert (give.start, give.end, give.text) == (5.0, 8.0, GIVE)
    assert [w.text for w in give.words] == GIVE.split() and give.words[0].probability == 0.9
    # a line the rep talked over ends where it was cut, not where its audio would have
    assert (pushed.start, pushed.end, pushed.cut) == (8.3, 9.0, True)
    assert rollout.start == 9.2 and not rollout.cut


def test_the_scorecard_counts_what_the_rep_gave_once() -> None:
    scenario = builtin_catalog().get("price-pressure")
    salvaged = salvage_call("c1", "price-pressure", stored(call_events()), scenario)
    card = salvaged.scorecard
    assert card is not None and card["outcome"] == "no_decision"
    assert card["scenario"] == "price-pressure" and card["call_id"] == "c1"
    assert [(c["turn"], c["kind"], c["amount"], c["quote"]) for c in card["concessions"]] == [
        (1, "price", 15.0, GIVE)]
    assert [t["index"] for t in card["turns"]] == [t.index for t in salvaged.turns]
    assert card["turns"][2]["cut"] is True and card["metrics"]["interruptions"] == 1
    held = next(c for c in card["rubric"]["criteria"] if c["id"] == "held_price")
    assert held["applicable"] and not held["passed"]
    # no scenario known: build_scorecard's defaults, the same evidence
    plain = salvage_call("c1", "gone", stored(call_events()), None).scorecard
    assert plain is not None and plain["concessions"] == card["concessions"]


def test_no_rep_turn_keeps_the_prospects_lines_and_no_scorecard() -> None:
    salvaged = salvage_call("c2", "price-pressure", stored(call_events()[:2]), None)
    assert salvaged.scorecard is None
    assert [(t.index, t.end) for t in salvaged.turns] == [(0, 4.0)]


async def test_a_call_live_when_the_server_stops_is_scored_from_its_events(
    tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'c.db'}",
                        storage_url=f"file://{tmp_path / 'store'}").storage()
    catalog = builtin_catalog()
    store = CallStore(settings, scenario_for=catalog.scenarios.get)
    await store.start()
    call_id = new_call_id()
    recorder = await store.open_call(call_id=call_id, user_id=None, scenario="price-pressure",
                                     difficulty="normal")
    fed = 0
    for at, event in call_events():  # the rep's audio brings the call clock to each event
        recorder.rep_audio(np.zeros(round(at * SAMPLE_RATE) - fed, dtype=np.float32))
        fed = round(at * SAMPLE_RATE)
        recorder.event(event.model_dump(mode="json"))
    await store.close()  # the server stops with the call live

    reader = CallStore(settings)
    reader.start_sync(recover=False)
    try:
        record = reader.calls.get(call_id)
        assert record is not None and record.status is CallStatus.INTERRUPTED
        assert record.outcome == "no_decision" and record.overall is not None
        turns = reader.calls.turns(call_id)
        assert [(t.index, t.speaker) for t in turns] == [
            (0, Speaker.PROSPECT), (1, Speaker.REP), (2, Speaker.PROSPECT), (3, Speaker.REP)]
        card = reader.calls.scorecard(call_id)
        assert card is not None and [c["quote"] for c in card["concessions"]] == [GIVE]
    finally:
        reader.engine.dispose()


def test_the_app_hands_its_store_the_scenarios(tmp_path: Path) -> None:
    state = create_app(Settings(data_dir=tmp_path)).state
    assert isinstance(state, AppState) and state.store.scenario_for is not None
    found = state.store.scenario_for("price-pressure")
    assert found is not None and found.needed_minutes == builtin_catalog().get(
        "price-pressure").needed_minutes
    assert state.store.scenario_for("no-such-scenario") is None
