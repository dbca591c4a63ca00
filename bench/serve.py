"""``handbook serve`` timed over HTTP, as a browser or a script would use it.

``python -m bench.serve --json OUT.json [--requests N] [--concurrency C]``

Starts the real server (``python -m handbook serve``) on a free loopback port, waits until it
answers, renders two sheets per render process to warm them, then posts N sheet forms, C at a
time, each with its own patient, and checks every answer is a PDF. Records the warm rate (sheets
per second from the first request to the last answer) and the start-up time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from .sheets import PATIENT_NAMES

START_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def post_sheets(url: str, count: int, concurrency: int, offset: int = 0) -> list[httpx.Response]:
    slots = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=120,
                                 limits=httpx.Limits(max_connections=concurrency)) as client:
        async def one(i: int) -> httpx.Response:
            async with slots:
                name = f"{PATIENT_NAMES[i % len(PATIENT_NAMES)]} {i + 1}"
                return await client.post("/sheet", data={"patient": name})
        return await asyncio.gather(*(one(offset + i) for i in range(count)))


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench.serve: handbook serve exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"bench.serve: handbook serve did not answer within {START_SECONDS} s")


def measure(requests: int, concurrency: int) -> dict[str, float]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "handbook", "serve", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        wait_until_up(url, process)
        startup = time.perf_counter() - started
        warm = 2 * len(os.sched_getaffinity(0))
        asyncio.run(post_sheets(url, warm, concurrency, offset=requests))
        start = time.perf_counter()
        answers = asyncio.run(post_sheets(url, requests, concurrency))
        elapsed = time.perf_counter() - start
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    bad = [a.status_code for a in answers if a.status_code != 200 or not a.content.startswith(b"%PDF")]
    if bad:
        raise SystemExit(f"bench.serve: {len(bad)} of {requests} requests failed: {bad[:5]}")
    return {"sheets_per_s": requests / elapsed, "seconds": elapsed, "startup_s": startup,
            "requests": requests, "concurrency": concurrency}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve")
    parser.add_argument("--json", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    result = measure(args.requests, args.concurrency)
    args.json.write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
