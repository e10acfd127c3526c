"""The forecast files ``sstbias correct`` reads: files, folders or glob patterns, regular files only."""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from pathlib import Path

from sstbias.errors import InputDataError

_GLOB_CHARACTERS = "*?["


def find_forecast_files(specs: Sequence[str | os.PathLike]) -> list[Path]:
    """The forecast files named by ``specs``: files, folders (their ``*.nc``, sorted) or glob patterns.

    Only regular files are taken (a FIFO or device is never opened). InputDataError names a spec that gives no
    file. Duplicates are kept once, in the order given.
    """
    found: list[Path] = []
    for spec in specs:
        text = str(spec)
        if any(char in text for char in _GLOB_CHARACTERS):
            matches = sorted(Path(match) for match in glob.glob(text) if Path(match).is_file())
            if not matches:
                raise InputDataError(f"{text}: no file matches this pattern")
        elif Path(text).is_dir():
            matches = sorted(path for path in Path(text).glob("*.nc") if path.is_file())
            if not matches:
                raise InputDataError(f"{text}: folder holds no *.nc file")
        elif Path(text).is_file():
            matches = [Path(text)]
        elif Path(text).exists():  # a FIFO, device or socket: never opened (reading one could wait for ever)
            raise InputDataError(f"{text}: not a regular file")
        else:
            raise InputDataError(f"{text}: file not found")
        found += [path for path in matches if path not in found]
    return found
