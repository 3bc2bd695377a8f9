"""How a role-play call ended."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    WON = "won"
    WON_WITH_CONCESSIONS = "won_with_concessions"
    WALKED = "walked"  # the rep walked away and the prospect let them go
    LOST = "lost"  # the prospect said no
    NO_DECISION = "no_decision"  # ran out of turns or time, or the line went quiet
