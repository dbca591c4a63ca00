"""Read an input file safely: a regular file, below a stated size, as UTF-8 text.

A "file" that never ends (``/dev/zero``, a FIFO) or a huge one would otherwise be read into
memory whole; a device or a folder gives a confusing error deep inside a parser.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import InputError


def read_text(path: Path, label: str, *, max_bytes: int) -> str:
    """The text of ``path``; InputError(label, ...) if it is not a readable regular file of at most ``max_bytes``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(label, f"no such file: {path}") from None
    except OSError as err:
        raise InputError(label, f"cannot read {path}: {err.strerror or err}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise InputError(label, f"{path} is not a regular file")
        if info.st_size > max_bytes:
            raise InputError(label, f"{path} is {info.st_size:,} bytes; the limit is {max_bytes:,}")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(label, f"{path} is larger than the limit of {max_bytes:,} bytes")
    return decode_text(data, str(path), label, max_bytes=max_bytes)


def decode_text(data: bytes, name: str, label: str, *, max_bytes: int) -> str:
    """File contents already in memory (an upload) as text, with :func:`read_text`'s checks and messages."""
    if len(data) > max_bytes:
        raise InputError(label, f"{name} is {len(data):,} bytes; the limit is {max_bytes:,}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(label, f"{name} is not UTF-8 text") from None
