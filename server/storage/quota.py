"""How many of a call's events are stored, so that a flood of bad frames cannot fill the
database or a replay (docs/security.md): the rest are counted in one summary event."""

from __future__ import annotations

from collections import Counter
from typing import Any


class EventQuota:
    """How many of a call's events are stored: the first `max_errors` errors and `max_rows`
    rows in all (the scorecard always); the rest are counted for one summary event."""

    SUMMARY = "events_dropped"

    def __init__(self, max_errors: int, max_rows: int) -> None:
        self._max_errors = max_errors
        self._max_rows = max_rows
        self._rows = 0
        self.errors: Counter[str] = Counter()  # every error event by code, stored or not
        self.dropped: Counter[str] = Counter()  # events not stored, by type

    def admit(self, event: dict[str, Any]) -> bool:
        """Count the event; True when it is to be stored."""
        kind = str(event.get("type", ""))
        if kind == "error":
            self.errors[str(event.get("code", ""))] += 1
        over = (kind == "error" and sum(self.errors.values()) > self._max_errors
                or self._rows >= self._max_rows)
        if over and kind != "scorecard":
            self.dropped[kind] += 1
            return False
        self._rows += 1
        return True

    def summary(self) -> dict[str, Any] | None:
        """The event that says what was not stored, or None when everything was."""
        if not self.dropped:
            return None
        return {"type": self.SUMMARY, "count": sum(self.dropped.values()),
                "not_stored": dict(self.dropped), "errors": dict(self.errors)}
