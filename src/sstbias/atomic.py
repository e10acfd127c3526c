"""Atomic replacement of output files (standard library only, cheap to import in download jobs)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path`` and rename it to ``path`` only on success.

    A failure leaves no partial ``path`` behind (the temporary file is removed).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_current_umask())  # mkstemp's 0600 would make shared results unreadable
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def remove_stale_temporaries(path: str | os.PathLike) -> list[Path]:
    """Delete temporary files that an interrupted ``atomic_write`` of ``path`` left beside it; return them.

    A job killed by a signal (Ctrl-C, a cluster time limit) cannot clean up; the next writer of ``path`` calls
    this before starting. Only ``.{name}.*.part`` files of this very target are touched.
    """
    target = Path(path)
    stale = sorted(target.parent.glob(f".{target.name}.*.part")) if target.parent.is_dir() else []
    for leftover in stale:
        leftover.unlink(missing_ok=True)
    return stale
