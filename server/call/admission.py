"""How many calls run at once, in all and per user: new calls are refused, running ones kept."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from server.protocol import ErrorCode, ProtocolError


@dataclass
class CallRegistry:
    """The calls in progress on this server."""

    max_calls: int
    max_calls_per_user: int
    _users: dict[str, str | None] = field(default_factory=dict)  # call id -> user id

    def admit(self, call_id: str, user_id: str | None) -> None:
        """Register a new call or raise ProtocolError (busy / too many calls for this user)."""
        if len(self._users) >= self.max_calls:
            raise ProtocolError(ErrorCode.BUSY, f"the server is at its limit of {self.max_calls} "
                                                "calls; try again in a minute")
        if user_id is not None:
            mine = Counter(self._users.values())[user_id]
            if mine >= self.max_calls_per_user:
                raise ProtocolError(ErrorCode.TOO_MANY_CALLS,
                                    f"you already have {mine} call(s) open; hang one up first")
        self._users[call_id] = user_id

    def release(self, call_id: str) -> None:
        """The call ended (however it ended)."""
        self._users.pop(call_id, None)

    def __len__(self) -> int:
        return len(self._users)
