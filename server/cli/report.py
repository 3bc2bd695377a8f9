"""A scorecard for people: the terminal view of docs/scorecard.md."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def print_scorecard(card: dict[str, Any], console: Console) -> None:
    """Print the transcript, the headline scores and the evidence behind them."""
    turns = Table(show_header=True, header_style="bold", box=None)
    turns.add_column("time", justify="right", style="dim")
    turns.add_column("who")
    turns.add_column("said")
    for turn in card.get("turns", []):
        cut = " [dim](cut)[/dim]" if turn.get("cut") else ""
        turns.add_row(f"{turn['start']:.1f}s", turn["speaker"], f"{turn['text']}{cut}")
    console.print(turns)
    fillers = card.get("fillers", {})
    confidence = card.get("confidence", {})
    headline = (
        f"[bold]overall {card.get('overall', 0):.0f}/100[/bold]  "
        f"outcome {card.get('outcome') or '-'}  "
        f"confidence {confidence.get('score', 0):.0f}  "
        f"fillers {fillers.get('total', 0)} ({fillers.get('per_minute', 0):.1f}/min)"
    )
    console.print(headline)
    counts = fillers.get("counts") or {}
    if counts:
        console.print("  fillers: " + ", ".join(f"{k} x{v}" for k, v in counts.items()))
    for c in card.get("concessions", []):
        trade = "traded" if c.get("conditional") else "given away"
        amount = f" {c['amount']:g}" if c.get("amount") is not None else ""
        console.print(f"  [yellow]concession[/yellow] {c['kind']}{amount} ({trade}), "
                      f"turn {c['turn']}: \"{c['quote']}\"")
