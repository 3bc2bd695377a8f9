"""Process settings, read from WALKAWAY_* environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from socket import gethostname

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from server.audio_limits import AudioLimits
from server.call.settings import CallSettings, ListenerSettings, VoiceSettings
from server.storage.settings import StorageSettings
from voices.vad.endpoint import Sensitivity

_REPO_ROOT = Path(__file__).resolve().parent.parent
CALLS_PER_CORE = 6  # docs/deploy.md, "How many servers"


class Settings(BaseSettings):
    """Everything an operator may change; defaults serve a laptop.

    The one reader of the environment: components take the small frozen projections below.
    """

    model_config = SettingsConfigDict(env_prefix="WALKAWAY_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("data")
    web_dir: Path = _REPO_ROOT / "web"
    scenario_dir: Path | None = Field(
        default=None, description="extra scenario files, loaded beside the built-in ones"
    )

    stt_model: str = Field(default="tiny.en", description="'tiny.en' or a local model directory")
    # Two single-threaded workers beat one two-threaded worker on 2 cores: a turn never waits
    # behind another call's transcription (bench/README.md has the figures).
    stt_threads: int = 1
    stt_workers: int = Field(default=2, description="transcriptions the model runs at once")
    endpoint: Sensitivity = Sensitivity.DEFAULT
    vad_threshold: float = 0.5
    early_transcribe_s: float = Field(
        default=0.08, description="pause after which the turn so far is transcribed, in case it ended"
    )
    question_silence_s: float = Field(
        default=0.3, description="silence that ends a turn that reads as a finished question"
    )
    statement_silence_s: float = Field(
        default=0.5, description="silence that ends a turn that reads as a finished statement"
    )
    murmur_after_s: float = Field(
        default=0.3, ge=0, description="pause in the rep's turn after which the prospect "
        "murmurs 'mm' as a listener does (0: never)"
    )
    murmur_gap_s: float = Field(default=2.0, description="at least this long between murmurs")
    partial_interval_s: float = 1.0
    barge_in_min_speech_s: float = 0.3
    audio_fillers: bool = Field(
        default=False, description="also count hesitations found in the audio (see docs/scoring.md)"
    )

    max_frame_seconds: float = 1.0
    max_call_seconds: float = 30 * 60.0
    idle_timeout_s: float = Field(default=30.0, description="no frame for this long hangs up")
    send_timeout_s: float = Field(
        default=5.0, gt=0, description="a peer that has not read a frame after this long is "
        "dropped; its call is finished and scored"
    )
    # docs/deploy.md's sizing rule, measured: 6 calls a core hold the answer p95 under 0.8 s
    # with room for the machine's other work (16, the old default, was twice what 2 cores hold)
    max_calls: int = Field(default_factory=lambda: CALLS_PER_CORE * (os.cpu_count() or 1), ge=1,
                           description="calls at once; more are refused busy")
    max_calls_per_user: int = 2
    scorecard_timeout_s: float = 30.0
    second_pass_max_calls: int = Field(
        default=2, ge=0, description="the scorecard's second pass runs only while at most this "
        "many calls are live"
    )
    prepare_max_calls: int = Field(
        default=2, ge=0, description="the answer's audio is made at the rep's pause only while "
        "at most this many calls are live"
    )
    take_back_within_s: float = Field(
        default=1.0, ge=0, description="a rep who talks over the prospect's answer this soon "
        "after it began was not done: the prospect takes it back and answers the whole turn "
        "(0: never)"
    )
    warm_lines_at_start: bool = Field(
        default=True, description="make every scenario's fixed prospect lines at start-up, in "
        "the background and only while no call is live (server/call/prefetch.py)"
    )
    second_pass_wait_s: float = Field(
        default=0.8, ge=0, description="wait at hang-up for the scorecard's accurate transcripts; 0: off"
    )

    # storage, users and the REST API (issue 5)
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db; "
        "default: a SQLite file under data_dir",
    )
    auth_required: bool = Field(
        default=True, description="calls over /ws/call need a signed-in user"
    )
    cookie_secure: bool = Field(
        default=False, description="mark the session cookie Secure (set when served over https)"
    )
    session_days: float = 14.0
    signin_failures_per_name: int = Field(
        default=5, ge=1, description="wrong passwords for one name from one address (or one "
        "browser that signed in before) before each next try waits, twice as long each time"
    )
    signin_failures_per_address: int = Field(
        default=20, ge=1, description="failed sign-ins from one address before it waits"
    )
    signin_window_s: float = Field(default=300.0, description="how long a failure counts")
    storage_close_wait_s: float = Field(
        default=15.0, description="at shutdown, how long calls' queued database writes are "
        "retried while the database is unreachable"
    )
    storage_retry_for_s: float = Field(
        default=300.0, description="how long a finished call's database writes are retried "
        "while the database is unreachable before they are saved to a file beside its recording"
    )
    # several servers behind one address (issue 21, docs/deploy.md)
    storage_url: str | None = Field(
        default=None, description="where finished recordings go: s3://bucket/prefix for an "
        "S3-compatible store; default: the folder data_dir"
    )
    storage_endpoint_url: str | None = Field(
        default=None, description="the S3-compatible server, e.g. http://127.0.0.1:8333"
    )
    storage_access_key_id: str | None = None
    storage_secret_access_key: SecretStr | None = None
    storage_region: str | None = None
    storage_part_mb: float = Field(
        default=5.0, ge=5.0, description="part size of a recording's multipart upload, MiB"
    )
    storage_upload_every_s: float = Field(
        default=10.0, gt=0, description="how often a live call's recording is sent to the "
        "store: the most a server that dies mid-call loses"
    )
    server_id: str | None = Field(
        default=None, max_length=100, description="this server's name in call leases; "
        "default: host name and port"
    )
    lease_s: float = Field(
        default=20.0, ge=3.0, description="a call's lease, renewed every third of it; a dead "
        "server's calls are marked interrupted once it lapses"
    )
    upload_max_bytes: int = 50 * 1024 * 1024
    upload_max_seconds: float = Field(
        default=30 * 60.0, description="longest recording an upload or `walkaway score` "
        "decodes; checked from the header, then while decoding (docs/security.md)"
    )
    upload_max_sample_rate: int = Field(default=96_000, description="highest sample rate read")
    upload_quota_mb: float = Field(
        default=1024.0, description="stored upload recordings per user, in MB (a minute "
        "stores 3.84 MB)"
    )
    api_token_days: float = Field(default=90.0, description="how long a new API token works")
    public_url: str | None = Field(
        default=None, description="base URL printed in the first-start set-up link"
    )

    def call(self) -> CallSettings:
        """What one call session is tuned by."""
        return CallSettings(
            listener=ListenerSettings(
                vad_threshold=self.vad_threshold,
                turn_silence_s=self.endpoint.silence_seconds,
                early_transcribe_s=self.early_transcribe_s,
                question_silence_s=self.question_silence_s,
                statement_silence_s=self.statement_silence_s,
                murmur_after_s=self.murmur_after_s,
                partial_interval_s=self.partial_interval_s,
                barge_in_min_speech_s=self.barge_in_min_speech_s,
            ),
            voice=VoiceSettings(murmur_gap_s=self.murmur_gap_s),
            audio_fillers=self.audio_fillers,
            scorecard_timeout_s=self.scorecard_timeout_s,
            second_pass_wait_s=self.second_pass_wait_s,
            second_pass_max_calls=self.second_pass_max_calls,
            prepare_max_calls=self.prepare_max_calls,
            take_back_within_s=self.take_back_within_s,
        )

    def upload_limits(self) -> AudioLimits:
        """What one uploaded or scored recording may hold."""
        return AudioLimits(max_seconds=self.upload_max_seconds,
                           max_sample_rate=self.upload_max_sample_rate)

    def storage(self) -> StorageSettings:
        """Where calls, users and recordings are kept."""
        secret = self.storage_secret_access_key
        return StorageSettings(data_dir=self.data_dir, database_url=self.database_url,
                               close_wait_s=self.storage_close_wait_s,
                               retry_for_s=self.storage_retry_for_s,
                               storage_url=self.storage_url,
                               s3_endpoint_url=self.storage_endpoint_url,
                               s3_access_key_id=self.storage_access_key_id,
                               s3_secret_access_key=secret.get_secret_value() if secret else None,
                               s3_region=self.storage_region,
                               part_bytes=int(self.storage_part_mb * 1024 * 1024),
                               upload_every_s=self.storage_upload_every_s,
                               server_id=self.server_id or f"{gethostname()}:{self.port}",
                               lease_s=self.lease_s)
