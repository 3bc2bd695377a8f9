"""Uploads being stored now, per user: what the storage quota must count before they land."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


class QuotaExceededError(Exception):
    """Stored and in-flight uploads together would pass the user's quota."""

    def __init__(self, used_seconds: float) -> None:
        super().__init__(f"{used_seconds:.1f} s stored or being stored")
        self.used_seconds = used_seconds


@dataclass
class UploadLedger:
    """Seconds of audio each user has on its way into storage, in this process.

    Two uploads checked at once each saw the other's audio as not stored yet, so together
    they could pass the quota; a check here counts what is in flight, and the check and the
    booking happen under one lock. (Servers behind one proxy each keep their own ledger.)
    """

    in_flight: dict[str, float] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @asynccontextmanager
    async def booking(self, user_id: str, seconds: float, limit_seconds: float,
                      stored: Callable[[], Awaitable[float]]) -> AsyncIterator[None]:
        """Book `seconds` for `user_id` while the block stores them; QuotaExceededError if
        what is stored (read now) and in flight would then pass `limit_seconds`."""
        async with self._lock:
            used = await stored() + self.in_flight.get(user_id, 0.0)
            if used + seconds > limit_seconds:
                raise QuotaExceededError(used)
            self.in_flight[user_id] = self.in_flight.get(user_id, 0.0) + seconds
        try:
            yield
        finally:
            left = self.in_flight.get(user_id, 0.0) - seconds
            if left > 1e-9:
                self.in_flight[user_id] = left
            else:
                self.in_flight.pop(user_id, None)
