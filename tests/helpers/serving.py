"""Run the real ``handbook serve`` (uvicorn, its render processes) on a free loopback port. No tests here."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 90  # the render processes load WeasyPrint and the fonts first


@dataclass(frozen=True)
class Server:
    url: str  # ending in /
    process: subprocess.Popen
    log: Path  # everything the server printed (stdout and stderr)
    tmpdir: Path  # its TMPDIR: nothing of a user's may ever be in it

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(folder: Path, *args: str) -> Iterator[Server]:
    """``python -m handbook serve --port P ARGS`` with its own TMPDIR, stopped with SIGTERM afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    tmpdir = folder / "server-tmp"
    tmpdir.mkdir()
    log = folder / "server.log"
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "handbook", "serve", "--port", str(port), *args],
                                   stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT,
                                   env={**os.environ, "TMPDIR": str(tmpdir)})
    server = Server(f"http://127.0.0.1:{port}/", process, log, tmpdir)
    try:
        _wait_until_up(server)
        yield server
    finally:
        stop(server)


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"handbook serve exited with {server.process.returncode}:\n{server.log_text()}")
        try:
            if httpx.get(server.url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"handbook serve did not answer within {START_SECONDS} s:\n{server.log_text()}")


def stop(server: Server) -> int:
    """SIGTERM, as systemd stops it; the exit code."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    return server.process.returncode
