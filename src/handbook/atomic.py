"""Write an output file whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


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
