"""CallStore and CallRecorder: every call's audio, events, turns and scorecard, kept as it runs.

The recorder's per-frame methods run on the event loop and only touch memory. About every
half second of call clock (or second of wall time, for events) a flush goes to a worker
thread: frames to the WAV (header sizes fixed each time) and events to the database. A
crash loses at most the hold-back plus one flush interval, under a second.

Over the ~400-line aim: the store and the recorder share one write queue, its retry and its
hand-over to the pending file (docs/security.md), which read best in one place.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from scoring.scorecard import turn_from_dict
from server.storage.accounts import Accounts, now
from server.storage.audio_writer import (
    CHANNELS,
    HEADER_BYTES,
    SAMPLE_WIDTH,
    StereoWavWriter,
    WavFormatError,
    interleave,
    read_info,
)
from server.storage.db import make_engine, migrate
from server.storage.leases import Lease, Leases
from server.storage.mixer import StereoMixer
from server.storage.models import CallStatus
from server.storage.objects import ObjectStore, ObjectStoreError, open_object_store
from server.storage.pending import (
    SPOOL_SUFFIX,
    AddEvents,
    FinishCall,
    InsertCall,
    PendingWrites,
    SpoolError,
    load_spool,
    save_spool,
)
from server.storage.quota import EventQuota
from server.storage.repository import CallRecord, CallRepository, StoredEvent
from server.storage.salvage import Salvaged, ScenarioLookup, salvage_call
from server.storage.settings import StorageSettings
from server.storage.upload import CallUpload, finish_abandoned

_LOGGER = logging.getLogger(__name__)
RATE = 16_000
CALL_ID = re.compile(r"^[0-9a-f]{32}$")
_FLUSH_S = 0.5  # of call clock, between writes to disk
_EVENT_FLUSH_S = 1.0  # of wall time, for events that arrive while no audio does
_RETRY_S = 0.5  # between tries of finished calls' queued writes while the database is down
_SPOOL_RETRY_S = 30.0  # between tries of the writes this process saved to pending files


class StorageError(Exception):
    """The store is not started, or a call id or path is not acceptable."""


def audio_key(call_id: str) -> str:
    """Where a call's WAV is kept, relative to the store's root (and data_dir)."""
    return f"calls/{call_id}.wav"


def seconds_of(wav_bytes: int) -> float:
    """Seconds of stereo PCM16 audio in a recorder WAV of this many bytes."""
    return round(max(0, wav_bytes - HEADER_BYTES) / (RATE * CHANNELS * SAMPLE_WIDTH), 3)


class CallRecorder:
    """Records one call; created by CallStore.open_call."""

    def __init__(self, call_id: str, writer: StereoWavWriter, calls: CallRepository,
                 on_done: Callable[[str], None],
                 quota: EventQuota, on_stuck: Callable[[CallRecorder], None] | None = None,
                 *, upload: CallUpload | None = None, upload_every_s: float = 10.0,
                 on_unsent: Callable[[CallRecorder], None] | None = None) -> None:
        self.call_id = call_id
        self.upload = upload  # None: the WAV stays where it is written (no store)
        self._upload_every_s = upload_every_s
        self._on_unsent = on_unsent  # told when the finished WAV could not be stored yet
        self._last_upload = time.monotonic()
        self._uploading: asyncio.Task[None] | None = None
        self._quota = quota
        self._writer = writer
        self._on_done = on_done
        self._on_stuck = on_stuck  # told when finish() left writes queued (database down)
        self.pending = PendingWrites(call_id, calls)
        self._mixer = StereoMixer(RATE)
        self._lock = threading.Lock()  # guards _pcm/_events between the loop and the flusher
        self._pcm: list[bytes] = []
        self._events: list[StoredEvent] = []
        self._seq = 0
        self._last_flush = time.monotonic()
        self._flushing: asyncio.Task[None] | None = None
        self._closing: asyncio.Future[None] | None = None
        self._finished = False

    @property
    def clock(self) -> float:
        return self._mixer.rep_samples / RATE

    @property
    def wav_path(self) -> Path:
        """The WAV this server writes while the call runs."""
        return self._writer.path

    # --- on the event loop, many times a second: memory only ---------------------------------

    def rep_audio(self, samples: np.ndarray) -> None:
        if not self._finished:
            self._mixer.add_rep(samples)
            self._maybe_flush()

    def prospect_audio(self, samples: np.ndarray, at: float) -> None:
        if not self._finished:
            self._mixer.add_prospect(samples, at)

    def prospect_cut(self, at: float) -> None:
        if not self._finished:
            self._mixer.cut_prospect(at)

    def event(self, event: dict[str, Any]) -> None:
        if self._finished or not self._quota.admit(event):
            return
        self._keep(event)
        self._maybe_flush()

    def _keep(self, event: dict[str, Any]) -> None:
        with self._lock:
            self._events.append(StoredEvent(self._seq, round(self.clock, 3), event))
        self._seq += 1

    def _maybe_flush(self) -> None:
        due = self._mixer.ready >= _FLUSH_S * RATE or (
            self._events and time.monotonic() - self._last_flush >= _EVENT_FLUSH_S
        )
        if not due:
            return
        self._stage(final=False)
        self._last_flush = time.monotonic()
        self._start_drain()
        self._maybe_upload()

    def _maybe_upload(self) -> None:
        """Every upload_every_s, send what the WAV gained to the store (in a thread)."""
        if self.upload is None or time.monotonic() - self._last_upload < self._upload_every_s:
            return
        if self._uploading is not None and not self._uploading.done():
            return
        self._last_upload = time.monotonic()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a sync caller (an upload being stored): all goes up at the end
            return
        self._uploading = loop.create_task(asyncio.to_thread(self._upload_part))

    def _start_drain(self) -> None:
        if self._flushing is not None and not self._flushing.done():
            return  # the running drain's done-callback starts the next one
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a sync caller): write here
            self._drain()
            return
        self._flushing = loop.create_task(asyncio.to_thread(self._drain))
        self._flushing.add_done_callback(self._drained)

    def _drained(self, _task: asyncio.Task[None]) -> None:
        with self._lock:
            more = bool(self._pcm or self._events)
        if more and not self._finished:
            self._start_drain()

    def _stage(self, *, final: bool) -> None:
        left, right = self._mixer.take(final=final)
        if len(left):
            with self._lock:
                self._pcm.append(interleave(left, right))

    # --- in a worker thread ----------------------------------------------------------------

    def _drain(self) -> None:
        """Write whatever is staged; failures are logged, never raised into the call."""
        with self._lock:
            pcm, self._pcm = b"".join(self._pcm), []
            events, self._events = self._events, []
        try:
            self._writer.append(pcm)
        except (OSError, ValueError):
            _LOGGER.exception("call %s: audio write failed", self.call_id)
        if events:
            self.pending.add(AddEvents(self.call_id, events))
        self.pending.apply()  # a database that is down keeps them queued, in order

    def _upload_part(self) -> None:
        if self.upload is None:
            return
        try:
            self.upload.sync(self._writer.path)
        except (ObjectStoreError, OSError) as err:
            # the next try sends the same bytes and more; the local WAV has them all
            _LOGGER.warning("call %s: recording not sent to the store yet: %s", self.call_id, err)

    def store_audio(self) -> bool:
        """Send the finished WAV to the store and drop the local copy; False if the store
        could not take it (the WAV stays for the next try). Blocking."""
        if self.upload is None:
            return True
        try:
            self.upload.sync(self._writer.path, final=True)
        except (ObjectStoreError, OSError) as err:
            _LOGGER.error("call %s: recording kept on this server, the store refused it: %s",
                          self.call_id, err)
            return False
        self._writer.path.unlink(missing_ok=True)
        return True

    # --- the end -----------------------------------------------------------------------------

    async def finish(self, scorecard: dict[str, Any] | None, status: str, *,
                     salvage: Callable[[str], Salvaged] | None = None) -> None:
        """Store the turns and scorecard, close the WAV; never raises (errors are logged).
        With no scorecard, `salvage` rebuilds turns and scorecard from the stored events."""
        if self._finished:
            if self._closing is not None:  # a second caller (shutdown) waits for the first
                await asyncio.shield(self._closing)
            return
        self._finished = True
        while self._flushing is not None and not self._flushing.done():
            await self._flushing
        self._stage(final=True)
        self._keep_summary()
        # shielded: a cancelled caller (server shutdown) must not cut the final write short
        self._closing = asyncio.ensure_future(
            asyncio.to_thread(self._close, scorecard, CallStatus(status), salvage))
        await asyncio.shield(self._closing)

    def finish_sync(self, scorecard: dict[str, Any] | None, status: CallStatus) -> None:
        """finish() for shutdown paths without a loop to spare."""
        if not self._finished:
            self._finished = True
            self._stage(final=True)
            self._keep_summary()
            self._close(scorecard, status)

    def _keep_summary(self) -> None:
        if (summary := self._quota.summary()) is not None:
            self._keep(summary)
            _LOGGER.warning("call %s: %d event(s) over its quota not stored (%s)", self.call_id,
                            summary["count"], ", ".join(f"{n} {kind}" for kind, n
                                                        in self._quota.dropped.most_common(3)))

    def _close(self, scorecard: dict[str, Any] | None, status: CallStatus,
               salvage: Callable[[str], Salvaged] | None = None) -> None:
        self._drain()  # the events first: a salvage reads them back
        try:
            self._writer.close()
        except OSError:
            _LOGGER.exception("call %s: closing the WAV failed", self.call_id)
        if not self.store_audio() and self._on_unsent is not None:
            self._on_unsent(self)
        duration = round(self._writer.frames / RATE, 3)
        turns = [turn_from_dict(t) for t in (scorecard or {}).get("turns") or []]
        if scorecard is None and salvage is not None:
            salvaged = salvage(self.call_id)
            scorecard, turns = salvaged.scorecard, list(salvaged.turns)
        self.pending.add(FinishCall(self.call_id, status, now(), duration, scorecard, turns))
        if self.pending.apply() or self._on_stuck is None:
            self._on_done(self.call_id)
            _LOGGER.info("call %s stored: %s, %.1f s", self.call_id, status, duration)
        else:  # the store retries until the database is back
            self._on_stuck(self)
            _LOGGER.warning("call %s ended (%s, %.1f s); %d database write(s) wait for the "
                            "database", self.call_id, status, duration, len(self.pending))


class CallStore:
    """The database and the recordings directory of one process."""

    def __init__(self, settings: StorageSettings, *,
                 scenario_for: ScenarioLookup | None = None) -> None:
        self.settings = settings
        # the app's scenarios, for scoring calls closed as interrupted (None: the defaults)
        self.scenario_for = scenario_for
        self.calls_dir = (settings.data_dir / "calls").resolve()
        # live calls' WAVs, on this server's disk until they are in the store
        self.recording_dir = (settings.data_dir / "recording").resolve()
        self.objects: ObjectStore = open_object_store(settings)
        self._unsent: dict[str, CallRecorder] = {}  # finished, the store refused the WAV
        self._engine: Engine | None = None
        self._leases: Leases | None = None
        self._leasing: threading.Thread | None = None
        self._stop_leasing = threading.Event()
        self._open: dict[str, CallRecorder] = {}
        # finished calls whose database writes wait for the database to come back
        self._stuck: dict[str, CallRecorder] = {}
        self._stuck_lock = threading.Lock()
        self._retrying: asyncio.Task[None] | None = None
        self._spooled: set[str] = set()  # calls whose writes this process saved to files

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise StorageError("CallStore.start() was not called")
        return self._engine

    @property
    def calls(self) -> CallRepository:
        return CallRepository(self.engine)

    @property
    def leases(self) -> Leases:
        if self._leases is None:
            raise StorageError("CallStore.start() was not called")
        return self._leases

    @property
    def accounts(self) -> Accounts:
        return Accounts(self.engine)

    async def start(self) -> None:
        """Create the engine, run the migrations, close calls a dead process left live."""
        await asyncio.to_thread(self.start_sync)
        if self._retrying is None:
            self._retrying = asyncio.create_task(self._retry_forever(), name="storage-retry")
        if self._leasing is None:
            self._stop_leasing.clear()
            self._leasing = threading.Thread(target=self._lease_forever, name="call-leases",
                                             daemon=True)
            self._leasing.start()

    def start_sync(self, *, recover: bool = True) -> None:
        """The engine and migrations; with `recover`, also what a stopped process left: saved
        writes, live calls of lapsed (or this server's own) leases, unsent recordings. A
        command-line tool beside a running server passes False: the server's calls are its
        own to close."""
        if self._engine is not None:
            return
        self.calls_dir.mkdir(parents=True, exist_ok=True)
        self.recording_dir.mkdir(parents=True, exist_ok=True)
        if isinstance(ensure := getattr(self.objects, "ensure_bucket", None), Callable):
            try:
                ensure()
            except ObjectStoreError as err:  # calls still record; their WAVs wait here
                _LOGGER.error("recordings store %s: %s", self.objects.description, err)
        engine = make_engine(self.settings)
        migrate(engine)
        self._engine = engine
        self._leases = Leases(engine, self.settings.server_id, self.settings.lease_s)
        if recover:
            self._replay_spools()
            self._recover()

    def _replay_spools(self, call_ids: set[str] | None = None) -> None:
        """Apply the writes saved because the database was down (all, or these calls')."""
        for path in sorted(self.calls_dir.glob(f"*{SPOOL_SUFFIX}")):
            call_id = path.name.removesuffix(SPOOL_SUFFIX)
            if call_ids is not None and call_id not in call_ids:
                continue
            try:
                writes = load_spool(path)
            except SpoolError as err:
                _LOGGER.error("saved database writes not readable, left in place: %s", err)
                continue
            pending = PendingWrites(call_id, self.calls)
            for write in writes:
                pending.add(write)
            if pending.apply():
                path.unlink()
                self._spooled.discard(call_id)
                _LOGGER.warning("call %s: %d saved database write(s) applied", call_id,
                                len(writes))

    def _recover(self) -> None:
        self.reap(at_start=True)
        for record in self.calls.live_calls(unleased=True):  # live before leases existed
            duration = self._store_leftover(record.id)
            _LOGGER.warning("call %s was live when the server stopped; kept %.1f s",
                            record.id, duration)
            salvaged = self.salvage(record.id, record.scenario)
            self.calls.finish(record.id, status=CallStatus.INTERRUPTED, ended_at=now(),
                              duration=duration, scorecard=salvaged.scorecard,
                              turns=list(salvaged.turns))
        for path in sorted(self.recording_dir.glob("*.wav")):
            if CALL_ID.match(path.stem) and path.stem not in self._open:
                self._store_leftover(path.stem)  # a finished call the store refused before

    # --- leases: several servers, one database (issue 21) ---------------------------------

    def _lease_forever(self) -> None:
        """Renew this server's leases every third of a lease; close lapsed ones.

        A thread of its own, not a task: on a loaded machine (load 28-35 on 2 cores) a
        renewal that waited for the event loop and then for the shared thread pool came
        after its lease had lapsed, and another server closed a live call."""
        while not self._stop_leasing.wait(self.settings.lease_s / 3):
            try:
                self.leases.renew(list(self._open))
                self.reap()
            except SQLAlchemyError as err:  # the database is down: next round
                _LOGGER.warning("call leases not renewed: %s", type(err).__name__)

    def reap(self, *, at_start: bool = False) -> int:
        """Close the calls of servers that stopped renewing their leases (at start, also
        this server's own, from before it restarted); returns how many. Blocking."""
        closed = 0
        for lease in self.leases.lapsed(mine_too=at_start):
            if lease.call_id in self._open or not self.leases.claim(lease, mine_too=at_start):
                continue  # this server's own live call, or another server took it first
            closed += self._close_abandoned(lease)
        return closed

    def _close_abandoned(self, lease: Lease) -> int:
        """Store what the lease's server sent of the call and mark it interrupted."""
        call_id = lease.call_id
        local = self.recording_dir / f"{call_id}.wav"
        try:
            if lease.upload_id is not None:
                mine = local if lease.server_id == self.settings.server_id else None
                seconds = seconds_of(finish_abandoned(
                    self.objects, audio_key(call_id), lease.upload_id,
                    self.settings.part_bytes, mine))
                if mine is not None:
                    local.unlink(missing_ok=True)
            else:  # nothing sent yet: only a restarted server has the audio, on its disk
                seconds = self._store_leftover(call_id)
        except (OSError, ObjectStoreError) as err:
            # the lease stays claimed by this server and lapses again: tried then
            _LOGGER.error("call %s (server %s stopped): recording not stored yet: %s",
                          call_id, lease.server_id, err)
            return 0
        record = self.calls.get(call_id)
        if record is not None and record.status is CallStatus.LIVE:
            salvaged = self.salvage(call_id, record.scenario)
            self.calls.finish(call_id, status=CallStatus.INTERRUPTED, ended_at=now(),
                              duration=seconds, scorecard=salvaged.scorecard,
                              turns=list(salvaged.turns))
        else:
            self.leases.release(call_id)
        _LOGGER.warning("call %s: its server %s stopped renewing its lease; closed as "
                        "interrupted with %.1f s of audio", call_id, lease.server_id, seconds)
        return 1

    def salvage(self, call_id: str, scenario_id: str | None = None) -> Salvaged:
        """The turns and scorecard of an interrupted call, from its stored events
        (server/storage/salvage.py); none, logged, when they cannot be read or scored.
        Blocking."""
        try:
            if scenario_id is None:
                record = self.calls.get(call_id)
                scenario_id = record.scenario if record is not None else None
            scenario = (self.scenario_for(scenario_id)
                        if self.scenario_for is not None and scenario_id else None)
            return salvage_call(call_id, scenario_id, self.calls.events(call_id), scenario)
        except (SQLAlchemyError, ValueError, TypeError, KeyError) as err:
            # the call is still closed, as before salvaging: audio and events, no scorecard
            _LOGGER.error("call %s: turns and scorecard not rebuilt from its events: %s: %s",
                          call_id, type(err).__name__, err)
            return Salvaged((), None)

    def _note_upload(self, call_id: str, upload_id: str) -> None:
        """Name a call's upload in its lease, so another server can complete it."""
        try:
            self.leases.set_upload(call_id, upload_id)
        except SQLAlchemyError as err:
            _LOGGER.warning("call %s: upload id not stored (%s); if this server stops, "
                            "only its restart stores the call's audio", call_id,
                            type(err).__name__)

    def _store_leftover(self, call_id: str, upload_id: str | None = None) -> float:
        """Put the WAV a stopped process left on this disk into the store; its seconds."""
        local = self.recording_dir / f"{call_id}.wav"
        key = audio_key(call_id)
        try:
            if local.is_file():
                seconds = read_info(local).duration
                CallUpload(self.objects, key, self.settings.part_bytes,
                           upload_id=upload_id).sync(local, final=True)
                local.unlink()
                return round(seconds, 3)
            return seconds_of(self.objects.size(key))
        except (OSError, WavFormatError, ObjectStoreError) as err:
            _LOGGER.error("call %s: recording not stored: %s", call_id, err)
            return 0.0

    def audio_key(self, record: CallRecord) -> str:
        """The call's object key; refuses a stored path that is not one the recorder made."""
        if record.audio_path != audio_key(record.id):
            raise StorageError(f"call {record.id}: audio path {record.audio_path!r} refused")
        return record.audio_path

    def local_recording(self, call_id: str) -> Path | None:
        """The WAV of a call this server is recording (or could not store yet)."""
        path = self.recording_dir / f"{call_id}.wav"
        return path if CALL_ID.match(call_id) and path.is_file() else None

    def recorded_seconds(self, record: CallRecord) -> float:
        """Seconds recorded: of the WAV on this disk (a live call here), else in the store."""
        try:
            local = self.local_recording(record.id)
            if local is not None:
                return round(read_info(local).duration, 3)
            return seconds_of(self.objects.size(self.audio_key(record)))
        except (OSError, WavFormatError, StorageError, ObjectStoreError):
            return 0.0

    async def open_call(self, *, call_id: str, user_id: str | None, scenario: str,
                        difficulty: str, source: str = "practice",
                        started_at: datetime | None = None) -> CallRecorder:
        """Insert the call as live and open its WAV."""
        return await asyncio.to_thread(self.open_call_sync, call_id=call_id, user_id=user_id,
                                       scenario=scenario, difficulty=difficulty, source=source,
                                       started_at=started_at)

    def open_call_sync(self, *, call_id: str, user_id: str | None, scenario: str,
                       difficulty: str, source: str = "practice",
                       started_at: datetime | None = None) -> CallRecorder:
        if not CALL_ID.match(call_id):
            raise StorageError(f"call ids are 32 lower-case hex digits, not {call_id!r}")
        record = CallRecord(
            id=call_id, rep_id=user_id, rep_name=None, scenario=scenario,
            difficulty=difficulty, source=source, started_at=started_at or now(), ended_at=None,
            status=CallStatus.LIVE, outcome=None, overall=None, duration=0.0,
            audio_path=audio_key(call_id),
        )
        writer = StereoWavWriter(self.recording_dir / f"{call_id}.wav", RATE)
        quota = EventQuota(self.settings.max_error_events, self.settings.max_event_rows)
        upload = CallUpload(self.objects, record.audio_path, self.settings.part_bytes,
                            on_started=lambda upload_id: self._note_upload(call_id, upload_id))
        recorder = CallRecorder(call_id, writer, self.calls, self._forget, quota,
                                self._keep_trying, upload=upload,
                                upload_every_s=self.settings.upload_every_s,
                                on_unsent=self._keep_sending)
        # a database that is down does not stop the call: the row is written when it is back
        recorder.pending.add(InsertCall(record, server_id=self.settings.server_id,
                                        lease_until=self.leases.until()))
        recorder.pending.apply()
        self._open[call_id] = recorder
        return recorder

    def _forget(self, call_id: str) -> None:
        self._open.pop(call_id, None)

    def _keep_sending(self, recorder: CallRecorder) -> None:
        """A finished call's WAV waits for the store (called from a worker thread)."""
        with self._stuck_lock:
            self._unsent[recorder.call_id] = recorder

    def retry_unsent(self) -> int:
        """Try once more to store the WAVs the store refused; returns how many still wait."""
        with self._stuck_lock:
            waiting = list(self._unsent.values())
        for recorder in waiting:
            if recorder.store_audio():
                with self._stuck_lock:
                    self._unsent.pop(recorder.call_id, None)
                _LOGGER.info("call %s: recording stored after the store came back",
                             recorder.call_id)
        with self._stuck_lock:
            return len(self._unsent)

    def _keep_trying(self, recorder: CallRecorder) -> None:
        """A finished call's writes are queued (called from a worker thread)."""
        with self._stuck_lock:
            self._stuck[recorder.call_id] = recorder
        self._open.pop(recorder.call_id, None)

    @property
    def queued_calls(self) -> int:
        """Finished calls whose database writes are still waiting."""
        with self._stuck_lock:
            return len(self._stuck)

    def retry_queued(self) -> int:
        """Try the queued writes once (blocking); writes that have waited past retry_for_s
        go to their pending file. Returns how many calls still wait in memory."""
        with self._stuck_lock:
            stuck = list(self._stuck.values())
        for recorder in stuck:
            if recorder.pending.apply():
                with self._stuck_lock:
                    self._stuck.pop(recorder.call_id, None)
                _LOGGER.info("call %s stored after the database came back", recorder.call_id)
            elif recorder.pending.down_for >= self.settings.retry_for_s:
                self._save_spool(recorder, f"for {recorder.pending.down_for:.0f} s")
        return self.queued_calls

    async def _retry_forever(self) -> None:
        since_spools = 0.0
        while True:
            await asyncio.sleep(_RETRY_S)
            since_spools += _RETRY_S
            if self.queued_calls:
                await asyncio.to_thread(self.retry_queued)
            if (self._spooled or self._unsent) and since_spools >= _SPOOL_RETRY_S:
                since_spools = 0.0
                await asyncio.to_thread(self._replay_spools, set(self._spooled))
                await asyncio.to_thread(self.retry_unsent)

    def _save_spool(self, recorder: CallRecorder, why: str) -> None:
        """Save a waiting call's writes beside its WAV and let go of them; they are applied
        when the database answers again, or at the next start."""
        path = self.calls_dir / f"{recorder.call_id}{SPOOL_SUFFIX}"
        try:
            save_spool(path, recorder.pending.waiting())
        except OSError:
            _LOGGER.exception("call %s: its database writes could not be saved either; "
                              "the recording is kept", recorder.call_id)
            return
        with self._stuck_lock:
            self._stuck.pop(recorder.call_id, None)
        self._spooled.add(recorder.call_id)
        _LOGGER.error("call %s: database unreachable %s; %d write(s) saved to %s",
                      recorder.call_id, why, len(recorder.pending), path)

    def _save_queued(self) -> None:
        """Save each waiting call's writes beside its WAV; the next start applies them."""
        with self._stuck_lock:
            stuck = list(self._stuck.values())
        for recorder in stuck:
            self._save_spool(recorder, "at shutdown")

    async def save_recording(self, *, call_id: str, user_id: str | None, scenario: str,
                             rep: np.ndarray, scorecard: dict[str, Any]) -> None:
        """Store an uploaded, already-scored recording (rep left, silent right)."""

        def save() -> None:  # in a worker thread, so the recorder writes synchronously
            recorder = self.open_call_sync(call_id=call_id, user_id=user_id, scenario=scenario,
                                           difficulty="-", source="upload")
            recorder.rep_audio(rep)
            recorder.finish_sync(scorecard, CallStatus.COMPLETE)

        await asyncio.to_thread(save)

    async def delete_call(self, record: CallRecord) -> bool:
        def remove() -> bool:
            try:
                self.objects.delete(self.audio_key(record))
            except ObjectStoreError as err:  # the row goes; an orphan object harms nobody
                _LOGGER.error("call %s: recording not deleted from the store: %s",
                              record.id, err)
            if (local := self.local_recording(record.id)) is not None:
                local.unlink(missing_ok=True)
            return self.calls.delete(record.id)

        return await asyncio.to_thread(remove)

    async def close(self) -> None:
        """Store what open calls have (as interrupted) and release the engine."""
        for recorder in list(self._open.values()):
            await recorder.finish(None, CallStatus.INTERRUPTED, salvage=self.salvage)
        if self._retrying is not None:
            self._retrying.cancel()
            await asyncio.gather(self._retrying, return_exceptions=True)
            self._retrying = None
        if self._leasing is not None:
            self._stop_leasing.set()
            await asyncio.to_thread(self._leasing.join, 30)
            self._leasing = None
        deadline = time.monotonic() + self.settings.close_wait_s
        while self.queued_calls and time.monotonic() < deadline:
            if await asyncio.to_thread(self.retry_queued):
                await asyncio.sleep(_RETRY_S)
        if self.queued_calls:  # the audio is on disk; the writes go beside it
            self._save_queued()
        if self._unsent and await asyncio.to_thread(self.retry_unsent):
            _LOGGER.error("%d recording(s) wait in %s for the store; the next start sends "
                          "them", len(self._unsent), self.recording_dir)
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
