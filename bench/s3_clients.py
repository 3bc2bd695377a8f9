"""Which S3 client the recorder and replay use: boto3, obstore and aiobotocore against one
SeaweedFS on loopback (issue 21). Prints import time, resident memory after import, and the
median time of a 5 MiB part upload (S3's smallest) and of a 64 KiB ranged GET (what a replay seek asks for).

Run: .venv/bin/python bench/s3_clients.py http://127.0.0.1:PORT   (a `weed server -s3` there)
Each client runs in a fresh interpreter so imports and memory do not mix.
"""

from __future__ import annotations

import json
import subprocess
import sys

_CHILD = r'''
import json, os, resource, statistics, sys, time, uuid
client, endpoint = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
if client == "boto3":
    import boto3
    from botocore.config import Config
elif client == "obstore":
    import obstore
    from obstore.store import S3Store
else:
    import asyncio
    from aiobotocore.session import get_session
import_s = time.perf_counter() - t0
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
part = os.urandom(5 << 20)
key = f"bench/{uuid.uuid4().hex}"
ups, gets = [], []
N = 6
if client == "boto3":
    s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="x",
                      aws_secret_access_key="x", region_name="us-east-1",
                      config=Config(s3={"addressing_style": "path"}))
    try:
        s3.create_bucket(Bucket="bench")
    except Exception:
        pass
    up = s3.create_multipart_upload(Bucket="bench", Key=key)["UploadId"]
    parts = []
    for n in range(1, N + 1):
        t = time.perf_counter()
        etag = s3.upload_part(Bucket="bench", Key=key, UploadId=up, PartNumber=n, Body=part)["ETag"]
        ups.append(time.perf_counter() - t)
        parts.append({"PartNumber": n, "ETag": etag})
    s3.complete_multipart_upload(Bucket="bench", Key=key, UploadId=up,
                                 MultipartUpload={"Parts": parts})
    for i in range(N + 6):
        t = time.perf_counter()
        s3.get_object(Bucket="bench", Key=key, Range=f"bytes={i * 65536}-{i * 65536 + 65535}")["Body"].read()
        gets.append(time.perf_counter() - t)
elif client == "obstore":
    store = S3Store("bench", endpoint=endpoint, access_key_id="x", secret_access_key="x",
                    region="us-east-1", client_options={"allow_http": True})
    # obstore has no create-bucket; boto3 made it above (the bench runs boto3 first)
    import obstore as obs
    for n in range(1, N + 1):
        t = time.perf_counter()
        obs.put(store, key, part)  # obstore exposes multipart only as a streaming writer
        ups.append(time.perf_counter() - t)
    for i in range(N + 6):
        t = time.perf_counter()
        bytes(obs.get_range(store, key, start=i * 65536, length=65536))
        gets.append(time.perf_counter() - t)
else:
    async def main():
        session = get_session()
        async with session.create_client("s3", endpoint_url=endpoint, aws_access_key_id="x",
                                          aws_secret_access_key="x", region_name="us-east-1") as s3:
            up = (await s3.create_multipart_upload(Bucket="bench", Key=key))["UploadId"]
            parts = []
            for n in range(1, N + 1):
                t = time.perf_counter()
                r = await s3.upload_part(Bucket="bench", Key=key, UploadId=up, PartNumber=n, Body=part)
                ups.append(time.perf_counter() - t)
                parts.append({"PartNumber": n, "ETag": r["ETag"]})
            await s3.complete_multipart_upload(Bucket="bench", Key=key, UploadId=up,
                                               MultipartUpload={"Parts": parts})
            for i in range(N + 6):
                t = time.perf_counter()
                r = await s3.get_object(Bucket="bench", Key=key, Range=f"bytes={i*65536}-{i*65536+65535}")
                await r["Body"].read()
                gets.append(time.perf_counter() - t)
    asyncio.run(main())
print(json.dumps({"client": client, "import_s": round(import_s, 3), "rss_after_import_mb": round(rss_mb, 1),
                  "part_5mib_p50_ms": round(statistics.median(ups) * 1000, 1),
                  "range_64kib_p50_ms": round(statistics.median(gets[2:]) * 1000, 2),
                  "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
'''


def main() -> None:
    endpoint = sys.argv[1]
    for client in ("boto3", "obstore", "aiobotocore"):
        out = subprocess.run([sys.executable, "-c", _CHILD, client, endpoint], capture_output=True,
                             text=True, timeout=120)
        line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr[-500:]
        print(line if line.startswith("{") else json.dumps({"client": client, "error": line}))


if __name__ == "__main__":
    main()
