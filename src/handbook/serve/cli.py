"""The ``handbook serve`` sub-command: run the web app on uvicorn.

Importing this module stays light (``handbook --help`` loads it); uvicorn and the app load in
:func:`run_serve`.
"""

from __future__ import annotations

import argparse
import copy
import ipaddress
import os
import sys
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
APP = "handbook.serve.app:app_from_env"


def add_serve_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``serve`` sub-command to the ``handbook`` parser."""
    help_text = "run the patient sheet as a local web page (a form, a PDF back)"
    parser = subparsers.add_parser(
        "serve", help=help_text,
        description=help_text + ". Nothing typed is written to disk or to the log.")
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help="address to listen on (default: %(default)s, this computer only)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="server processes (default: 1); the CPUs are shared among them for rendering")
    return parser


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def exposure_warning(host: str) -> str | None:
    """One line when the server can be reached from other machines, None on loopback."""
    if is_loopback(host):
        return None
    return (f"handbook serve: warning: listening on {host}, not loopback: other machines can reach this "
            "page and it has no login or TLS; put it behind the clinic's TLS reverse proxy")


def log_config() -> dict[str, Any]:
    """uvicorn's logging, plus the app's own path-only access log (uvicorn's is switched off)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["handbook.serve"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def run_serve(args: argparse.Namespace) -> int:
    """Run the server until Ctrl-C or SIGTERM; returns the exit code."""
    if not 0 < args.port < 65536:
        print(f"handbook serve: --port: must be 1 to 65535, got {args.port}", file=sys.stderr)
        return 2
    if args.workers < 1:
        print(f"handbook serve: --workers: must be at least 1, got {args.workers}", file=sys.stderr)
        return 2
    import uvicorn

    from .app import PROCESSES_ENV
    from .pool import cpu_count

    warning = exposure_warning(args.host)
    if warning:
        print(warning, file=sys.stderr)
    os.environ[PROCESSES_ENV] = str(max(1, cpu_count() // args.workers))
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"handbook serve: http://{shown}:{args.port}/ (Ctrl-C to stop)", flush=True)
    try:
        uvicorn.run(APP, factory=True, host=args.host, port=args.port, workers=args.workers,
                    access_log=False,  # it would log the query string; the app logs the path only
                    log_config=log_config(), server_header=False, timeout_graceful_shutdown=30)
    except SystemExit as done:  # uvicorn could not start (the port is taken): it has said why
        return done.code if isinstance(done.code, int) else 1
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM once uvicorn has stopped: the normal way to end
        pass
    print("handbook serve: stopped", file=sys.stderr)
    return 0
