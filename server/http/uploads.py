"""A recorded real call, uploaded as a raw body: size-limited, decoded, scored, stored."""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path, PurePath

from starlette.requests import ClientDisconnect, Request

from server.http.state import get_catalog, get_engines, get_settings
from server.scoring_files import score_transcription
from server.storage import CallStore
from voices.audio import SAMPLE_RATE, AudioDecodeError, read_audio
from voices.stt.base import SpeechToTextError

_LOGGER = logging.getLogger(__name__)
_SUFFIXES = {".wav", ".mp3", ".m4a", ".ogg", ".flac", ".webm", ".aac", ".opus"}


class UploadError(Exception):
    """The upload was refused; carries the HTTP status to answer with."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


async def _receive(request: Request, target: Path, limit: int) -> None:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise UploadError(413, f"uploads are limited to {limit} bytes")
    size = 0
    with open(target, "wb") as out:
        try:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:  # a lying or missing Content-Length stops here
                    raise UploadError(413, f"uploads are limited to {limit} bytes")
                out.write(chunk)
        except ClientDisconnect as err:
            raise UploadError(400, "the upload was cut off") from err
    if size == 0:
        raise UploadError(400, "the request body is empty: send the audio file as the body")


async def score_upload(request: Request, store: CallStore, *, call_id: str, user_id: str | None,
                       scenario: str, filename: str) -> None:
    """Store the body under data_dir, score it as one rep turn, keep it as a stereo WAV."""
    settings = get_settings(request)
    suffix = PurePath(filename).suffix.lower()
    if suffix not in _SUFFIXES:
        suffix = ".bin"  # the decoder sniffs the content; the name is only a hint
    spool = settings.data_dir / "uploads"
    spool.mkdir(parents=True, exist_ok=True)
    target = spool / f"{uuid.uuid4().hex}{suffix}"
    try:
        await _receive(request, target, settings.upload_max_bytes)
        try:
            audio = await asyncio.to_thread(read_audio, target)
        except AudioDecodeError as err:
            raise UploadError(415, f"not a readable audio file ({err.reason})") from err
    finally:
        target.unlink(missing_ok=True)
    try:
        engines = get_engines(request)  # the accurate pass when loaded (docs/transcripts.md)
        result = await (engines.accurate or engines.stt).transcribe(audio)
    except SpeechToTextError as err:
        raise UploadError(422, f"speech-to-text failed: {err}") from err
    catalog = get_catalog(request)  # a known scenario lends its coaching lines
    scorecard = await asyncio.to_thread(
        score_transcription, call_id, audio, result,
        scenario=catalog.get(scenario) if scenario in catalog else scenario,
    )
    await store.save_recording(call_id=call_id, user_id=user_id, scenario=scenario, rep=audio,
                               scorecard=scorecard)
    _LOGGER.info("upload %s stored as call %s (%.1f s)", filename, call_id,
                 len(audio) / SAMPLE_RATE)
