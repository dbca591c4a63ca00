"""Outputs: where the tool may write, and writing a file whole or not at all.

A PDF goes only to a regular file (or a new name) ending in ``.pdf`` (a FHIR plan: ``.json``),
never onto a device, a FIFO, a folder, a symbolic link, or any file the same run reads (a regimen file, a batch CSV, the
data file, a template). It is written through a hidden file in the same folder and renamed, so
an interrupted or failed write leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from .model.errors import InputError

MAX_SHOWN = 80  # characters of a path a message shows


def shown(path: Path | str) -> str:
    """A path short enough for a one-line message."""
    text = str(path)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN // 2 - 2] + "…" + text[-(MAX_SHOWN // 2 - 1):]


def check_output_path(out_path: Path, label: str, *, reads: Iterable[Path] = (), example: str = "sheet.pdf") -> None:
    """Refuse an output the tool must not or cannot write, before spending time on the render.

    ``example`` is the kind of name asked for; the output must end as it does (``.pdf``, ``.json``).
    """
    suffix = Path(example).suffix
    if out_path.suffix.lower() != suffix:
        raise InputError(label, f"{shown(out_path)} must be a file name ending in {suffix}")
    try:
        info = out_path.lstat()
    except FileNotFoundError:
        info = None
    except OSError as err:
        raise InputError(label, _why(out_path, err)) from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise InputError(label, f"{shown(out_path)} is a symbolic link; give the file itself")
        if stat.S_ISDIR(info.st_mode):
            raise InputError(label, f"{shown(out_path)} is a folder; give a file name such as {example}")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(label, f"{shown(out_path)} is not a regular file (a device or a pipe); "
                                    f"give a file name such as {example}")
        for path in reads:
            with contextlib.suppress(OSError):
                if Path(path).samefile(out_path):
                    raise InputError(label, f"{shown(out_path)} is {shown(path)}, which this run reads; "
                                            "give another file name")
        if not os.access(out_path, os.W_OK):
            raise InputError(label, f"cannot write {shown(out_path)}: the file is read-only")
    folder = out_path.parent
    try:
        if not folder.is_dir():
            raise InputError(label, f"cannot write {shown(out_path)}: the folder {shown(folder)} does not exist")
    except OSError as err:
        raise InputError(label, _why(out_path, err)) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(label, f"cannot write {shown(out_path)}: no permission to write in {shown(folder)}")


def _why(path: Path, err: OSError) -> str:
    if err.errno == errno.ENAMETOOLONG:
        return f"the file name {shown(path)} is too long for the file system"
    return f"cannot write {shown(path)}: {err.strerror or err}"


def write_atomically(out_path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write through a hidden file in the same folder, then rename: never a half-written file.

    The file gets the permissions an ordinary new file would (0666 less the umask), not
    mkstemp's 0600: a PDF copied into the site must stay readable by the web server.
    """
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".part", dir=out_path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as target:
            write(target)
        tmp.chmod(0o666 & ~_umask())
        tmp.replace(out_path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
