"""What sending a live call's recording to the store costs the walkaway server (issue 21).

Simulates a call of --minutes (default 5) growing its stereo WAV, with the recorder's
upload every --every seconds (default 10, WALKAWAY_STORAGE_UPLOAD_EVERY_S), against a store:
an S3 endpoint (`--endpoint http://127.0.0.1:PORT`, e.g. a `weed server -s3`) or a folder.
Prints this process's CPU seconds for all the uploads (CPU time, not wall time: a figure
that holds on a busy machine) and the bytes sent, per minute of call.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

from server.storage.audio_writer import StereoWavWriter, interleave
from server.storage.objects import FolderStore, ObjectStore
from server.storage.upload import MIN_PART_BYTES, CallUpload

RATE = 16_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint", help="S3 endpoint; default: a temporary folder store")
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--every", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store: ObjectStore
        if args.endpoint:
            from server.storage.s3 import S3Store

            s3 = S3Store("s3://bench/upload-cost", endpoint_url=args.endpoint,
                         access_key_id="bench", secret_access_key="bench", region=None)
            s3.ensure_bucket()
            store = s3
        else:
            store = FolderStore(Path(tmp) / "store")
        local = Path(tmp) / "call.wav"
        writer = StereoWavWriter(local, RATE)
        key = f"calls/{uuid.uuid4().hex}.wav"
        sent = 0
        sizes: list[int] = []
        upload = CallUpload(store, key, MIN_PART_BYTES)
        original = store.upload_part

        def counting(key: str, upload_id: str, number: int, data: bytes):  # noqa: ANN202
            sizes.append(len(data))
            return original(key, upload_id, number, data)

        store.upload_part = counting  # type: ignore[method-assign]
        noise = np.random.default_rng(0).uniform(-0.3, 0.3, int(args.every * RATE)).astype(
            np.float32)
        chunk = interleave(noise, noise)
        steps = int(args.minutes * 60 / args.every)
        cpu = 0.0
        wall = 0.0
        for _ in range(steps):
            writer.append(chunk)
            c0, w0 = time.process_time(), time.perf_counter()
            upload.sync(local)
            cpu += time.process_time() - c0
            wall += time.perf_counter() - w0
        writer.close()
        c0, w0 = time.process_time(), time.perf_counter()
        upload.sync(local, final=True)
        cpu += time.process_time() - c0
        wall += time.perf_counter() - w0
        sent = sum(sizes)
        size = local.stat().st_size
        print(f"store: {store.description}")
        print(f"call: {args.minutes:.1f} min, WAV {size / 2**20:.1f} MiB, upload every "
              f"{args.every:.0f} s, {len(sizes)} part sends")
        print(f"sent: {sent / 2**20:.1f} MiB ({sent / size:.1f}x the WAV), "
              f"{sent / 2**20 / args.minutes:.2f} MiB per call-minute")
        print(f"CPU: {cpu:.2f} s in all, {cpu / args.minutes * 1000:.0f} ms per call-minute "
              f"({cpu / (args.minutes * 60) * 100:.2f} % of one core per call); wall "
              f"{wall:.2f} s")


if __name__ == "__main__":
    main()
