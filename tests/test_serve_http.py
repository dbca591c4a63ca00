"""``handbook serve`` as a user runs it: the real uvicorn server in its own process, on a free loopback port.

Fifty sheets at once, each one page with its own patient's name; and nothing anyone typed reaches the
server's log or its temporary folder, while it runs or after it stops.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import ROOT
from helpers.serving import Server, running_server, stop
from pypdf import PdfReader

CONCURRENT = 50
HEADING = "Your ketamine nasal spray"  # the sheet's first line


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("serve")) as running:
        yield running


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


async def _many(url: str, names: list[str]) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=len(names), max_keepalive_connections=len(names))
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        return await asyncio.gather(*(client.post("/sheet", data={"patient": name, "prescriber": "Dr. Rao"})
                                      for name in names))


def test_fifty_concurrent_sheets_all_succeed_each_one_page_with_its_name(server: Server) -> None:
    names = [f"Patient Number {n:02d} Øster" for n in range(CONCURRENT)]
    responses = asyncio.run(_many(server.url, names))
    assert [r.status_code for r in responses] == [200] * CONCURRENT
    for name, response in zip(names, responses, strict=True):
        assert response.headers["content-type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(response.content))
        assert len(reader.pages) == 1
        text = squash(reader.pages[0].extract_text())
        assert squash(name) in text
        assert text.startswith(squash(HEADING))
        others = [other for other in names if other != name]
        assert not any(squash(other) in text for other in others)  # no sheet carries another patient's name


PROBE = "Quillon Vexbridge"  # a name that appears nowhere else


def test_nothing_typed_reaches_the_log_or_the_disk(tmp_path_factory: pytest.TempPathFactory) -> None:
    # A short folder: the render pool's fork server puts a socket in TMPDIR (at most 107 bytes of path).
    with (running_server(tmp_path_factory.mktemp("private")) as server,
          httpx.Client(base_url=server.url, timeout=60) as client):
        regimen = (ROOT / "examples" / "regimen.toml").read_bytes() + f"# {PROBE}\n".encode()
        answers = [
            client.post("/sheet", data={"patient": PROBE, "pharmacy": PROBE},
                        files={"regimen": (f"{PROBE.replace(' ', '_')}.toml", regimen)}),
            client.post("/sheet", data={"patient": PROBE, "dose": PROBE}),  # refused: the message quotes it
            client.post("/preview", data={"patient": PROBE}),
            client.get("/", params={"patient": PROBE}),  # a query string is never logged either
            client.post("/batch", files={"batch": ("p.csv", f"patient,dose\n{PROBE},50\n{PROBE},{PROBE}\n".encode())}),
            client.post("/sheet", content=b"patient=" + PROBE.encode() * 20_000,  # refused unread: too large
                        headers={"content-type": "application/x-www-form-urlencoded"}),
        ]
        assert [a.status_code for a in answers] == [200, 400, 200, 200, 200, 413]
        assert PROBE.encode() not in _everything_under(server.tmpdir)  # while it runs
        assert stop(server) == 0
    log = server.log_text()
    assert PROBE not in log and PROBE.replace(" ", "_") not in log and "Vexbridge" not in log
    requests = [line for line in log.splitlines() if re.search(r"\b(GET|POST) /", line)]
    assert set(requests[:-6]) == {"INFO:     GET / 200"}  # the helper asking whether it is up yet
    assert requests[-6:] == ["INFO:     POST /sheet 200", "INFO:     POST /sheet 400", "INFO:     POST /preview 200",
                        "INFO:     GET / 200", "INFO:     POST /batch 200", "INFO:     POST /sheet 413"]
    assert "HTTP/1.1" not in log  # uvicorn's own access log (which prints the query string) is off
    assert list(server.tmpdir.iterdir()) == []  # and afterwards: not even the font folder is left
    assert "handbook serve: stopped" in log


def test_it_listens_on_loopback_and_says_where(server: Server) -> None:
    log = server.log_text()
    assert log.splitlines()[0] == f"handbook serve: {server.url} (Ctrl-C to stop)"
    assert "warning" not in log.lower()
    assert "Uvicorn running on http://127.0.0.1:" in log


def _everything_under(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file())


def test_the_benchmark_times_sheets_over_http(tmp_path_factory: pytest.TempPathFactory) -> None:
    import json
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("bench")
    out = folder / "http.json"
    subprocess.run([sys.executable, "-m", "bench.serve", "--json", str(out), "--requests", "6", "--concurrency", "3"],
                   cwd=ROOT, check=True, timeout=300)
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["requests"] == 6 and result["sheets_per_s"] > 0 and result["startup_s"] > 0
