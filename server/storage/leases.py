"""Call leases (issue 21): each server holds one on every call it serves and renews it; a
lease left to lapse means its server died, and whichever server claims it first closes the
call. Sync, one short transaction each; called from worker threads.

Times are the servers' own clocks (UTC): with a 20 s lease, clocks a few seconds apart (as
NTP keeps them) only move when a dead server's calls are closed, never whether.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, delete, or_, select, update

from server.storage.accounts import _aware, now
from server.storage.models import LeaseRow


@dataclass(frozen=True)
class Lease:
    call_id: str
    server_id: str
    expires_at: datetime
    upload_id: str | None


def _lease(row: Any) -> Lease:
    return Lease(row.call_id, row.server_id, _aware(row.expires_at), row.upload_id)


class Leases:
    """The leases as one server sees them."""

    def __init__(self, engine: Engine, server_id: str, lease_s: float) -> None:
        self._engine = engine
        self.server_id = server_id
        self.lease_s = lease_s

    def until(self) -> datetime:
        """When a lease taken or renewed now lapses."""
        return now() + timedelta(seconds=self.lease_s)

    def renew(self, call_ids: list[str]) -> int:
        """Push this server's leases on these calls forward; how many it still held."""
        if not call_ids:
            return 0
        with self._engine.begin() as connection:
            result = connection.execute(
                update(LeaseRow)
                .where(LeaseRow.call_id.in_(call_ids), LeaseRow.server_id == self.server_id)
                .values(expires_at=self.until()))
            return int(result.rowcount or 0)

    def set_upload(self, call_id: str, upload_id: str) -> None:
        """Name the call's multipart upload, so another server can complete it."""
        with self._engine.begin() as connection:
            connection.execute(update(LeaseRow).where(LeaseRow.call_id == call_id)
                               .values(upload_id=upload_id))

    def _claimable(self, mine_too: bool) -> ColumnElement[bool]:
        lapsed = LeaseRow.expires_at < now()
        # at start, this server's own leases are from its previous life: closed at once
        return or_(lapsed, LeaseRow.server_id == self.server_id) if mine_too else lapsed

    def lapsed(self, *, mine_too: bool = False) -> list[Lease]:
        """Leases nobody renewed in time (and, `mine_too`, this server's own)."""
        with self._engine.connect() as connection:
            rows = connection.execute(select(LeaseRow).where(self._claimable(mine_too)))
            return [_lease(r) for r in rows]

    def claim(self, lease: Lease, *, mine_too: bool = False) -> bool:
        """Take a lapsed lease for this server; False if another server took it first (its
        update moved the lease forward, so this one's condition no longer holds)."""
        with self._engine.begin() as connection:
            result = connection.execute(
                update(LeaseRow)
                .where(LeaseRow.call_id == lease.call_id, self._claimable(mine_too))
                .values(server_id=self.server_id, expires_at=self.until()))
            return bool(result.rowcount)

    def release(self, call_id: str) -> None:
        with self._engine.begin() as connection:
            connection.execute(delete(LeaseRow).where(LeaseRow.call_id == call_id))

    def held(self) -> list[Lease]:
        """Every lease: the live calls and the servers answering for them."""
        with self._engine.connect() as connection:
            return [_lease(r) for r in connection.execute(select(LeaseRow))]

    def get(self, call_id: str) -> Lease | None:
        with self._engine.connect() as connection:
            row = connection.execute(select(LeaseRow).where(LeaseRow.call_id == call_id)).first()
            return _lease(row) if row else None
