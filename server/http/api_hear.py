"""The scenario editor's "hear this line" (issue 20, docs/admin.md): a prospect line spoken in
the draft's first persona's voice, its placeholders filled with sample values."""

from __future__ import annotations

import io
import re
import wave
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel, Field, ValidationError

from dialog.scenario import Persona
from dialog.speech import say_number
from server.call.catalog import voice_style
from server.http.auth import Manager
from server.http.state import app_state
from voices.tts.base import DEFAULT_STYLE, TextToSpeechError, VoiceStyle

router = APIRouter(tags=["scenarios"])  # mounted under /api by server.http.api_scenarios
MAX_LINE = 500


class HearIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_LINE)
    scenario: dict[str, Any] | None = Field(default=None, description="the draft, for "
                                            "{name}, {company}, {demand}... in the line")


class _Sample(dict[str, str]):
    """Placeholder values for a line heard in the editor; unknown names stay as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _first_persona(draft: dict[str, Any]) -> dict[str, Any]:
    personas = draft.get("personas") or [draft.get("persona") or {}]
    first = personas[0] if isinstance(personas, list) and personas else {}
    return first if isinstance(first, dict) else {}


def sample_style(draft: dict[str, Any] | None) -> VoiceStyle:
    """The draft's first persona's voice; the default one while that persona is not valid."""
    try:
        return voice_style(Persona.model_validate(_first_persona(draft or {})))
    except ValidationError:
        return DEFAULT_STYLE


def sample_line(text: str, draft: dict[str, Any] | None) -> str:
    """The line as the prospect would say it, with the draft's persona and demand filled in."""
    draft = draft or {}
    persona = _first_persona(draft)
    demand = draft.get("demand") if isinstance(draft.get("demand"), dict) else {}
    start = demand.get("start") if isinstance(demand, dict) else None
    values = _Sample({
        "name": str(persona.get("name", "")), "role": str(persona.get("role", "")),
        "company": str(persona.get("company", "")),
        "demand": say_number(float(start)) if isinstance(start, int | float) else "ten",
        "offered": "five", "need": "forty-five", "heard": "what you said",
        "amount": "five percent", "when": "Thursday at noon", "reason": "the budget",
        "question": "the price",
    })
    try:
        said = text.format_map(values)
    except (ValueError, IndexError, AttributeError):  # bad braces: say the words as written
        said = text
    said = re.sub(r"[{}]", "", said)
    return re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), said)


@router.post("/scenarios/hear", summary="A prospect line spoken in the prospect's voice, as "
             "WAV (managers only)", response_class=Response,
             responses={200: {"content": {"audio/wav": {}}}})
async def hear(body: HearIn, _: Manager, request: Request) -> Response:
    tts = app_state(request).engines.tts
    said = sample_line(body.text, body.scenario)
    pcm = b""
    try:
        async for chunk in tts.synthesize(said, sample_style(body.scenario)):
            pcm += chunk
    except TextToSpeechError as err:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(err)) from err
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(tts.sample_rate)
        wav.writeframes(pcm)
    return Response(out.getvalue(), media_type="audio/wav",
                    headers={"X-Line": said[:MAX_LINE].encode("ascii", "replace").decode()})
