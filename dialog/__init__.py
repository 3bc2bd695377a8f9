"""walkaway dialog: scenario files, the rep-move classifier and the prospect state machine."""

from dialog.machine import CallOverError, Prospect, ProspectLine
from scoring.rep_moves import Move, MoveKind, classify
from dialog.outcomes import Outcome
from dialog.scenario import (
    Scenario,
    ScenarioCatalog,
    ScenarioFileError,
    UnknownScenarioError,
    builtin_catalog,
    load_scenario,
    load_scenarios,
)

__all__ = [
    "CallOverError", "Move", "MoveKind", "Outcome", "Prospect", "ProspectLine", "Scenario",
    "ScenarioCatalog", "ScenarioFileError", "UnknownScenarioError", "builtin_catalog", "classify",
    "load_scenario", "load_scenarios",
]
