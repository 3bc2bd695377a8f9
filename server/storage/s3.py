"""An S3-compatible bucket as the recordings store (AWS, SeaweedFS, MinIO, ...), with boto3.

boto3 over obstore and aiobotocore (bench/s3_clients.py, docs/deploy.md): obstore was faster
on a ranged read (4 vs 7 ms) but hides multipart upload ids and part numbers, so a second
server could not finish a dead server's upload nor a part be sent again as it grows;
aiobotocore is boto3's API made async, where storage runs in worker threads anyway.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from server.storage.objects import READ_CHUNK, ObjectStoreError, Part, check_key

_MISSING = {"NoSuchKey", "NoSuchUpload", "404", "NotFound"}


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str  # "" or ending in "/"


def parse_s3_url(url: str) -> S3Location:
    """'s3://bucket/some/prefix' -> bucket and 'some/prefix/'."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"storage URL {url!r}: expected s3://bucket[/prefix]")
    prefix = parts.path.strip("/")
    if prefix:
        check_key(prefix)
    return S3Location(parts.netloc, f"{prefix}/" if prefix else "")


class S3Store:
    """A bucket and key prefix; every failure becomes an ObjectStoreError."""

    def __init__(self, url: str, *, endpoint_url: str | None, access_key_id: str | None,
                 secret_access_key: str | None, region: str | None,
                 timeout_s: float = 10.0) -> None:
        self.location = parse_s3_url(url)
        self.description = f"{url}" + (f" at {endpoint_url}" if endpoint_url else "")
        self._options: dict[str, Any] = {
            "endpoint_url": endpoint_url, "aws_access_key_id": access_key_id,
            "aws_secret_access_key": secret_access_key, "region_name": region or "us-east-1",
            # path-style works with every S3-compatible server; bounded waits and retries
            # keep a store that is down from holding a recording thread for minutes
            "config": Config(s3={"addressing_style": "path"}, connect_timeout=timeout_s,
                             read_timeout=timeout_s, retries={"max_attempts": 2,
                                                              "mode": "standard"},
                             request_checksum_calculation="when_required",
                             response_checksum_validation="when_required"),
        }
        self._local = threading.local()  # boto3 clients are cheap per thread, not shared

    @property
    def _client(self) -> Any:
        client = getattr(self._local, "client", None)
        if client is None:
            client = boto3.session.Session().client("s3", **self._options)
            self._local.client = client
        return client

    def _key(self, key: str) -> str:
        return self.location.prefix + check_key(key)

    def _call(self, what: str, key: str, **kwargs: Any) -> Any:
        try:
            return getattr(self._client, what)(Bucket=self.location.bucket, Key=self._key(key),
                                               **kwargs)
        except ClientError as err:
            code = str(err.response.get("Error", {}).get("Code", ""))
            raise ObjectStoreError(f"{what} {key}: {code or err}",
                                   missing=code in _MISSING) from err
        except BotoCoreError as err:
            raise ObjectStoreError(f"{what} {key}: {err}") from err

    def ensure_bucket(self) -> None:
        """Create the bucket if it is not there (for tests and first starts)."""
        try:
            self._client.head_bucket(Bucket=self.location.bucket)
        except ClientError:
            try:
                self._client.create_bucket(Bucket=self.location.bucket)
            except ClientError as err:
                code = str(err.response.get("Error", {}).get("Code", ""))
                if code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    raise ObjectStoreError(f"bucket {self.location.bucket}: {err}") from err
            except BotoCoreError as err:
                raise ObjectStoreError(f"bucket {self.location.bucket}: {err}") from err
        except BotoCoreError as err:
            raise ObjectStoreError(f"bucket {self.location.bucket}: {err}") from err

    def start_upload(self, key: str) -> str:
        return str(self._call("create_multipart_upload", key,
                              ContentType="audio/wav")["UploadId"])

    def upload_part(self, key: str, upload_id: str, number: int, data: bytes) -> Part:
        answer = self._call("upload_part", key, UploadId=upload_id, PartNumber=number, Body=data)
        return Part(number, str(answer["ETag"]), len(data))

    def list_parts(self, key: str, upload_id: str) -> list[Part]:
        parts: list[Part] = []
        marker = 0
        while True:
            page = self._call("list_parts", key, UploadId=upload_id, PartNumberMarker=marker)
            parts += [Part(int(p["PartNumber"]), str(p["ETag"]), int(p["Size"]))
                      for p in page.get("Parts", [])]
            if not page.get("IsTruncated"):
                return parts
            marker = int(page["NextPartNumberMarker"])

    def complete(self, key: str, upload_id: str, parts: list[Part]) -> None:
        self._call("complete_multipart_upload", key, UploadId=upload_id, MultipartUpload={
            "Parts": [{"PartNumber": p.number, "ETag": p.etag} for p in parts]})

    def abort(self, key: str, upload_id: str) -> None:
        try:
            self._call("abort_multipart_upload", key, UploadId=upload_id)
        except ObjectStoreError as err:
            if not err.missing:
                raise

    def size(self, key: str) -> int:
        return int(self._call("head_object", key)["ContentLength"])

    def read(self, key: str, start: int, end: int) -> Iterator[bytes]:
        if end <= start:
            return iter(())
        body = self._call("get_object", key, Range=f"bytes={start}-{end - 1}")["Body"]
        return _stream(body, key)

    def delete(self, key: str) -> None:
        self._call("delete_object", key)


def _stream(body: Any, key: str) -> Iterator[bytes]:
    try:
        while chunk := body.read(READ_CHUNK):
            yield chunk
    except (BotoCoreError, OSError) as err:
        raise ObjectStoreError(f"reading {key}: {err}") from err
    finally:
        body.close()
