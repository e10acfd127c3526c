"""Atomic replacement of output files (standard library only, cheap to import in download jobs)."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from sstbias.errors import OutputPathError

# Free bytes below which a failed write is reported as a full disk (the netCDF library says only "HDF error").
FULL_DISK_BYTES = 1024**2
_KINDS = {
    stat.S_ISDIR: "a folder",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
    stat.S_ISFIFO: "a FIFO (named pipe)",
    stat.S_ISSOCK: "a socket",
}


def check_output_target(path: str | os.PathLike) -> None:
    """OutputPathError unless ``path`` is a new path or an existing regular file (links followed): a folder, a
    device, a FIFO or a socket is refused without being opened, so it is never replaced and nothing hangs on it."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as err:
        raise OutputPathError(f"{path}: cannot be checked as an output path ({err.strerror})") from err
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS.items() if test(mode)), "not a regular file")
        raise OutputPathError(f"{path}: is {kind}; an output is written only to a new path or over a regular file")


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path`` and rename it to ``path`` only on success.

    ``path`` must be a new path or a regular file (:func:`check_output_target`). A failure leaves no partial
    ``path`` behind (the temporary file is removed); a failure on a full disk is an OutputPathError naming
    ``path`` and "no space left on device", raised after the temporary file is removed (so a log can take it).
    """
    target = Path(path)
    check_output_target(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(target)  # what a killed writer of this target left (one writer per target)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as err:
        raise OutputPathError(f"{target}: cannot write here ({err.strerror or err})") from err
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_current_umask())  # mkstemp's 0600 would make shared results unreadable
        check_output_target(target)  # again: the path may have changed while the file was written
        os.replace(tmp, target)
    except BaseException as err:
        full = isinstance(err, Exception) and _disk_full(err, target.parent)
        tmp.unlink(missing_ok=True)
        if full:
            raise OutputPathError(
                f"{target}: no space left on device while writing it ({type(err).__name__}: {err}); nothing written"
            ) from err
        raise
    return target


def _disk_full(err: Exception, folder: Path) -> bool:
    """Whether ``err`` comes from a full disk: ENOSPC, or any error while ``folder``'s file system is (nearly)
    full (the netCDF library reports a full disk as "NetCDF: HDF error")."""
    if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    try:
        return shutil.disk_usage(folder).free < FULL_DISK_BYTES
    except OSError:
        return False


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
