"""Shared fixtures: the genuine HYCOM/OISST files (format references, never copied into the repo)."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def realdata() -> Path:
    """Folder of the genuine files: $SSTBIAS_REALDATA or ../shared/realdata beside the repository."""
    folder = Path(os.environ.get("SSTBIAS_REALDATA", REPO.parent / "shared" / "realdata"))
    if not (folder / "oisst-avhrr-v02r01.20211025.nc").exists():
        pytest.skip(f"genuine data files not found in {folder} (set SSTBIAS_REALDATA)")
    return folder
