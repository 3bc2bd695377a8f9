"""The replay's audio routes: a call's stereo WAV with HTTP Range, and its waveform peaks,
read from the store (folder or bucket) so any server answers for any call (issue 21)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query, status
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field

from server.http.api import CallId, Store, visible_call
from server.http.auth import CurrentUser
from server.storage import CallStore, StorageError
from server.storage.audio_writer import WavFormatError, peaks
from server.storage.objects import ObjectStoreError
from server.storage.replay import NoRecording, Recording, find_recording, recording_file
from server.storage.wav_range import RangeNotSatisfiable, parse_range

_LOGGER = logging.getLogger(__name__)
router = APIRouter(prefix="/api", tags=["calls"])


class Peaks(BaseModel):
    buckets: int
    duration: float
    rate: int
    channels: dict[str, list[float]] = Field(description="'rep' (left), 'prospect' (right)")


def _recording(store: CallStore, call_id: str, user: CurrentUser) -> Recording:
    record = visible_call(store, call_id, user)
    try:
        return find_recording(store, record)
    except StorageError as err:
        _LOGGER.error("%s", err)
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such call") from err
    except NoRecording as err:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "this call has no recording") from err


@router.get(
    "/calls/{call_id}/audio",
    summary="The call's stereo WAV (rep left, prospect right); supports HTTP Range",
    response_class=StreamingResponse,
    responses={200: {"content": {"audio/wav": {}}}, 206: {"description": "a byte range"},
               416: {"description": "the range starts past the end"}},
)
def get_audio(call_id: CallId, user: CurrentUser, store: Store,
              range_: Annotated[str | None, Header(alias="range")] = None) -> Response:
    recording = _recording(store, call_id, user)
    headers = {"Accept-Ranges": "bytes",
               "Content-Disposition": f'inline; filename="{call_id}.wav"'}
    try:
        wanted = parse_range(range_, recording.size)
    except RangeNotSatisfiable as err:
        return Response(status_code=status.HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE,
                        headers={**headers, "Content-Range": f"bytes */{err.total}"})
    start, end = (0, recording.size) if wanted is None else (wanted.start, wanted.end)
    try:
        body = recording.read(start, end)
    except ObjectStoreError as err:
        _LOGGER.error("call %s: recording unreadable: %s", call_id, err)
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                            "the recordings store did not answer; try again") from err
    headers["Content-Length"] = str(end - start)
    if wanted is None:
        return StreamingResponse(body, media_type="audio/wav", headers=headers)
    headers["Content-Range"] = wanted.content_range
    return StreamingResponse(body, status_code=status.HTTP_206_PARTIAL_CONTENT,
                             media_type="audio/wav", headers=headers)


@router.get("/calls/{call_id}/peaks", summary="Waveform peaks per channel, for drawing")
def get_peaks(call_id: CallId, user: CurrentUser, store: Store,
              buckets: Annotated[int, Query(ge=1, le=10_000)] = 1000) -> Peaks:
    recording = _recording(store, call_id, user)
    try:
        with recording_file(recording) as path:
            info, channels = peaks(path, buckets)
    except (OSError, WavFormatError, ObjectStoreError) as err:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "this call has no readable recording") \
            from err
    names = ["rep", "prospect"][: len(channels)]
    return Peaks(buckets=buckets, duration=round(info.duration, 3), rate=info.rate,
                 channels=dict(zip(names, channels, strict=False)))
