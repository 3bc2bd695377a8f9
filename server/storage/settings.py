"""What storage is tuned by: a frozen projection of `server.settings.Settings`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StorageSettings:
    """Where calls, users and recordings are kept."""

    data_dir: Path = Path("data")
    """Directory of the recordings (and of the default SQLite file)."""
    database_url: str | None = None
    """SQLAlchemy URL; None: a SQLite file under `data_dir`."""
    close_wait_s: float = 15.0
    """At shutdown, how long queued writes are retried while the database is unreachable."""
    max_error_events: int = 50
    """`error` events stored per call; the rest are counted (docs/security.md)."""
    max_event_rows: int = 10_000
    """Event rows stored per call (the scorecard always); the rest are counted."""
    retry_for_s: float = 300.0
    """How long a finished call's writes are retried while the database is unreachable before
    they are saved beside its recording (applied when the database is back or at next start)."""
    storage_url: str | None = None
    """Where finished recordings go: None, the folder data_dir; or s3://bucket/prefix."""
    s3_endpoint_url: str | None = None
    """The S3-compatible server (None: AWS's, from the region)."""
    s3_access_key_id: str | None = None
    """None: boto3's own lookup (AWS_ACCESS_KEY_ID, ~/.aws, an instance role)."""
    s3_secret_access_key: str | None = None
    s3_region: str | None = None
    part_bytes: int = 5 * 1024 * 1024
    """Size of each part of a recording's multipart upload (S3 refuses less but the last)."""
    upload_every_s: float = 10.0
    """How often a live call's recording is sent up: what a dead server loses at most."""
    server_id: str = "local"
    """This server's name in call leases; unique among servers sharing a database."""
    lease_s: float = 20.0
    """How long a call's lease holds unrenewed; its server renews it every third of that,
    and a lease that lapsed marks the call interrupted (by whichever server sees it first)."""
