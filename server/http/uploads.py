"""A recorded real call, uploaded as a raw body: size-limited, decoded within limits, held
to the rep's storage quota, scored, stored (docs/security.md)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from pathlib import Path, PurePath

import numpy as np
from starlette.requests import ClientDisconnect, Request

from server.audio_limits import AudioLimitError, LimitKind, read_bounded_audio
from server.http.state import get_catalog, get_engines, get_settings, get_upload_ledger
from server.http.upload_ledger import QuotaExceededError
from server.scoring_files import score_transcription
from server.settings import Settings
from server.storage import CallStore
from voices.audio import SAMPLE_RATE, AudioDecodeError
from voices.stt.base import SpeechToTextError

_LOGGER = logging.getLogger(__name__)
_SUFFIXES = {".wav", ".mp3", ".m4a", ".ogg", ".flac", ".webm", ".aac", ".opus"}
_STORED_BYTES_PER_S = SAMPLE_RATE * 2 * 2  # kept as a 16-bit stereo WAV (rep, silent prospect)
_MB = 1_000_000
_SETTING_OF = {LimitKind.TOO_LONG: "WALKAWAY_UPLOAD_MAX_SECONDS",
               LimitKind.SAMPLE_RATE: "WALKAWAY_UPLOAD_MAX_SAMPLE_RATE"}


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


class _Quota:
    """A user's stored uploads against WALKAWAY_UPLOAD_QUOTA_MB."""

    def __init__(self, settings: Settings) -> None:
        self.limit = settings.upload_quota_mb * _MB
        self.limit_seconds = self.limit / _STORED_BYTES_PER_S

    def check(self, used_seconds: float) -> None:
        """Refuse at once when the quota is full already, before the body is read."""
        if used_seconds * _STORED_BYTES_PER_S >= self.limit:
            raise self.refusal(used_seconds)

    def refusal(self, used_seconds: float, seconds: float = 0.0) -> UploadError:
        needed = seconds * _STORED_BYTES_PER_S
        return UploadError(413, f"your stored uploads use "
                           f"{used_seconds * _STORED_BYTES_PER_S / _MB:.1f} MB of your "
                           f"{self.limit / _MB:g} MB quota"
                           + (f"; this one needs {needed / _MB:.1f} MB" if seconds else "")
                           + " (WALKAWAY_UPLOAD_QUOTA_MB; a manager can delete old calls)")


async def score_upload(request: Request, store: CallStore, *, call_id: str, user_id: str | None,
                       scenario: str, filename: str) -> None:
    """Store the body under data_dir, score it as one rep turn, keep it as a stereo WAV."""
    try:
        await _score_upload(request, store, call_id=call_id, user_id=user_id,
                            scenario=scenario, filename=filename)
    except UploadError as err:
        # the name is the caller's: the log escapes its control characters (server/http/redact.py)
        _LOGGER.info("upload %s refused (%d): %s", filename, err.status_code, err.message)
        raise


async def _score_upload(request: Request, store: CallStore, *, call_id: str,
                        user_id: str | None, scenario: str, filename: str) -> None:
    settings = get_settings(request)
    quota = _Quota(settings)
    ledger = get_upload_ledger(request)

    async def stored() -> float:
        return await asyncio.to_thread(store.accounts.upload_seconds, user_id) if user_id \
            else 0.0

    if user_id:
        quota.check(await stored() + ledger.in_flight.get(user_id, 0.0))
    suffix = PurePath(filename).suffix.lower()
    if suffix not in _SUFFIXES:
        suffix = ".bin"  # the decoder sniffs the content; the name is only a hint
    spool = settings.data_dir / "uploads"
    spool.mkdir(parents=True, exist_ok=True)
    target = spool / f"{uuid.uuid4().hex}{suffix}"
    try:
        await _receive(request, target, settings.upload_max_bytes)
        try:
            audio = await asyncio.to_thread(read_bounded_audio, target,
                                            settings.upload_limits())
        except AudioLimitError as err:
            code = 413 if err.kind is LimitKind.TOO_LONG else 422
            setting = _SETTING_OF.get(err.kind)
            raise UploadError(code, f"{err.reason} ({setting})" if setting else err.reason) \
                from err
        except AudioDecodeError as err:
            raise UploadError(415, f"not a readable audio file ({err.reason})") from err
    finally:
        target.unlink(missing_ok=True)
    seconds = len(audio) / SAMPLE_RATE
    # booked until stored, so uploads at the same time cannot pass the quota together
    if not user_id and seconds > quota.limit_seconds:
        raise quota.refusal(0.0, seconds)
    booking = (ledger.booking(user_id, seconds, quota.limit_seconds, stored) if user_id
               else contextlib.nullcontext())
    try:
        async with booking:
            await _score_and_store(request, store, audio, call_id=call_id, user_id=user_id,
                                   scenario=scenario)
    except QuotaExceededError as err:
        raise quota.refusal(err.used_seconds, seconds) from err
    _LOGGER.info("upload %s stored as call %s (%.1f s)", filename, call_id,
                 len(audio) / SAMPLE_RATE)


async def _score_and_store(request: Request, store: CallStore, audio: np.ndarray, *,
                           call_id: str, user_id: str | None, scenario: str) -> None:
    try:
        engines = get_engines(request)  # the accurate pass when loaded (docs/transcripts.md)
        result = await (engines.accurate or engines.stt).transcribe(audio)
    except SpeechToTextError as err:
        raise UploadError(422, f"speech-to-text failed: {err}") from err
    catalog = await asyncio.to_thread(get_catalog, request)  # lends its coaching lines
    scorecard = await asyncio.to_thread(
        score_transcription, call_id, audio, result,
        scenario=catalog.get(scenario) if scenario in catalog else scenario,
    )
    await store.save_recording(call_id=call_id, user_id=user_id, scenario=scenario, rep=audio,
                               scorecard=scorecard)
