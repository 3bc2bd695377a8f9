"""A spoken discount with a filler inside it, over `/ws/call`: the scorecard, the replay markers
and the prospect all see the cave (issue 14; docs/moves.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from dialog.scenario import builtin_catalog
from server.calltest.client import ScriptOptions, run_scripted_call
from voices.audio import SAMPLE_RATE, pcm16_to_float, read_audio, resample
from voices.engines import Engines

CAVE = "Okay, I think I can, um, do ten percent off."


def _render(engines: Engines, text: str, path: Path) -> np.ndarray:
    """The bundled voice saying `text`, written as a WAV and read back as the rep's microphone."""
    pcm = engines.tts.synthesize_sync(text)
    audio = resample(pcm16_to_float(pcm), engines.tts.sample_rate, SAMPLE_RATE)
    pad = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    sf.write(str(path), np.concatenate([pad, audio, pad]), SAMPLE_RATE)
    return read_audio(path)


async def test_a_discount_with_a_filler_inside_is_a_cave_everywhere(
    live_url: str, engines: Engines, tmp_path: Path
) -> None:
    rep = _render(engines, CAVE, tmp_path / "cave_with_filler.wav")
    result = await run_scripted_call(live_url, [rep], ScriptOptions("price-pressure", fast=True))

    [heard] = result.of_type("transcript")
    assert "10" in heard["text"] or "ten" in heard["text"].lower(), heard["text"]
    live = [c for s in result.of_type("score") for c in s["concessions"]]
    assert [(c["kind"], c["amount"], c["unit"]) for c in live] == [("price", 10.0, "percent")]

    card = result.scorecard
    assert card is not None
    assert [(c["kind"], c["amount"], c["conditional"]) for c in card["concessions"]] == [
        ("price", 10.0, False)]
    marks = [m for m in card["coaching"]["markers"] if m["kind"] == "concession"]
    assert len(marks) == 1 and marks[0]["turn"] == heard["turn"], card["coaching"]["markers"]

    # The prospect heard a cave and squeezes for more; it never says it could not hear.
    reply = [p for p in result.of_type("prospect") if p["turn"] > heard["turn"]][0]
    scenario = builtin_catalog().get("price-pressure")
    assert reply["text"] not in scenario.poor_audio_lines
    assert reply["state"] == "squeeze", reply
    assert "15" in reply["text"] or "fifteen" in reply["text"].lower(), reply["text"]
