"""The database goes away for a few seconds mid-call (PostgreSQL behind a proxy that refuses
connections): calls go on, their writes wait in order, and nothing is lost once it is back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy.engine import make_url

from server.http.app import create_app
from server.http.inprocess import serve_in_process
from server.settings import Settings
from server.storage import CallStatus, CallStore
from tests.support.call_helpers import Rep, stored, wav_frames
from tests.support.helpers import FIXTURES
from tests.support.storage_fixtures import database_url_for
from tests.support.tcp_proxy import TcpProxy
from voices.audio import SAMPLE_RATE, read_audio
from voices.engines import Engines

HOLD = read_audio(FIXTURES / "price_hold_piper.wav")
CAVE = read_audio(FIXTURES / "price_cave_piper.wav")
OUTAGE_S = 3.0


@pytest.fixture
def pg_url() -> Iterator[str | None]:
    yield from database_url_for("postgres")  # a fresh schema; skips without PostgreSQL


@pytest_asyncio.fixture
async def proxy(pg_url: str | None) -> AsyncIterator[TcpProxy]:
    """A TCP proxy in front of the test PostgreSQL that the test can take down and up."""
    assert pg_url is not None
    real = make_url(pg_url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
    await proxy.up()
    try:
        yield proxy
    finally:
        await proxy.down()


def _through(proxy: TcpProxy, pg_url: str | None, tmp_path: Path, **extra: Any) -> Settings:
    """Settings whose database connections go through `proxy`."""
    url = make_url(pg_url or "").set(port=proxy.port).render_as_string(False)
    return Settings(data_dir=tmp_path, auth_required=False, partial_interval_s=0,
                    database_url=url, **extra)


async def _call(rep: Rep, *turns: object) -> dict[str, object]:
    await rep.until("prospect_audio_end")
    for turn in turns:
        await rep.silence(0.5)
        await rep.say(turn)  # type: ignore[arg-type]
        await rep.silence(1.5)
    await rep.end()
    return await rep.until("scorecard")


async def test_calls_survive_a_database_outage_and_nothing_is_lost(
    pg_url: str | None, proxy: TcpProxy, engines: Engines, tmp_path: Path
) -> None:
    app = create_app(_through(proxy, pg_url, tmp_path), engines)
    store: CallStore = app.state.store
    async with serve_in_process(app) as base:
        url = base.replace("http://", "ws://") + "/ws/call"
        first = await Rep.connect(url)
        first_id = await first.start()
        await first.until("prospect_audio_end")
        await first.silence(0.5)
        await first.say(HOLD)

        await proxy.down()  # from here the database refuses every connection
        downed = asyncio.get_running_loop().time()
        second = await Rep.connect(url)
        second_id = await second.start()  # its row cannot be inserted yet
        cards = await asyncio.gather(_call(first, CAVE), _call(second, CAVE))
        assert all(card["call_id"] for card in cards)
        for _ in range(50):  # both calls have ended; their writes wait
            if store.queued_calls == 2:
                break
            await asyncio.sleep(0.1)
        assert store.queued_calls == 2
        await asyncio.sleep(max(0.0, OUTAGE_S - (asyncio.get_running_loop().time() - downed)))
        await proxy.up()  # the database is back: the queued writes go in, in order

        events = 0
        for rep, call_id, card in ((first, first_id, cards[0]), (second, second_id, cards[1])):
            record = await stored(store.calls, call_id, timeout=30)
            assert record.status is CallStatus.COMPLETE
            # the proxy runs on this loop: read the database from a thread
            kept_card = await asyncio.to_thread(store.calls.scorecard, call_id)
            assert kept_card is not None and kept_card["overall"] == card["overall"]
            assert kept_card["turns"] == card["turns"]
            # every event the rep received is stored, in the order it was sent
            sent = [e["type"] for e in rep.events]
            kept = [e.data["type"] for e in await asyncio.to_thread(store.calls.events,
                                                                      call_id)]
            assert kept == sent, (kept, sent)
            events += len(kept)
            turns = await asyncio.to_thread(store.calls.turns, call_id)
            assert [t.speaker for t in turns] == \
                [t["speaker"] for t in card["turns"]]
            audio = wav_frames(tmp_path, call_id)
            assert len(audio) >= rep.sent_samples
            assert record.duration == pytest.approx(len(audio) / SAMPLE_RATE, abs=0.01)
            await rep.close()
        assert store.queued_calls == 0
        print(f"\ndatabase down {OUTAGE_S:.0f}+ s during 2 calls: {events} events, "
              "2 scorecards, 2 WAVs stored after it came back; 0 lost")


async def test_writes_still_queued_at_shutdown_are_saved_and_applied_at_the_next_start(
    pg_url: str | None, proxy: TcpProxy, engines: Engines, tmp_path: Path
) -> None:
    app = create_app(_through(proxy, pg_url, tmp_path, storage_close_wait_s=0.5), engines)
    async with serve_in_process(app) as base:
        rep = await Rep.connect(base.replace("http://", "ws://") + "/ws/call")
        call_id = await rep.start()
        await proxy.down()  # the database goes away and stays away until after shutdown
        card = await _call(rep, HOLD)
        sent = [e["type"] for e in rep.events]
        await rep.close()
    # the server has stopped with the call's writes unapplied: they wait on disk
    spool = tmp_path / "calls" / f"{call_id}.pending.json"
    assert spool.is_file()

    await proxy.up()
    store = CallStore(Settings(data_dir=tmp_path, database_url=pg_url).storage())
    await asyncio.to_thread(store.start_sync)  # the next start applies them
    try:
        record = await asyncio.to_thread(store.calls.get, call_id)
        assert record is not None and record.status is CallStatus.COMPLETE
        kept_card = await asyncio.to_thread(store.calls.scorecard, call_id)
        assert kept_card is not None and kept_card["overall"] == card["overall"]
        kept = [e.data["type"] for e in await asyncio.to_thread(store.calls.events, call_id)]
        assert kept == sent
        assert not spool.exists()
    finally:
        await store.close()
