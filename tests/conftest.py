"""Shared fixtures: the genuine HYCOM/OISST files (format references, never copied into the repo); the tiny run."""

import os
import shutil
from pathlib import Path

import pytest
from workflow_runs import copy_workflow, snakemake

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def realdata() -> Path:
    """Folder of the genuine files: $SSTBIAS_REALDATA or ../shared/realdata beside the repository."""
    folder = Path(os.environ.get("SSTBIAS_REALDATA", REPO.parent / "shared" / "realdata"))
    if not (folder / "oisst-avhrr-v02r01.20211025.nc").exists():
        pytest.skip(f"genuine data files not found in {folder} (set SSTBIAS_REALDATA)")
    return folder


@pytest.fixture(scope="session")
def tiny_local_run(tmp_path_factory) -> Path:
    """The workflow run locally (2 cores) on the tiny config; returns its working copy.

    Tests may change that copy; an untouched copy of its results' tables and training logs stays in
    ``tiny_local_reference``.
    """
    workdir = copy_workflow(tmp_path_factory.mktemp("local") / "repo")
    run = snakemake(workdir, "--configfile", "tiny.yaml")
    assert run.returncode == 0, run.stderr[-4000:]
    results = workdir / "results" / "twin"
    reference = workdir.parent / "reference"
    shutil.copytree(results / "tables", reference / "tables")
    for log_csv in (results / "models").rglob("training_log.csv"):
        target = reference / "models" / log_csv.relative_to(results / "models")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(log_csv, target)
    return workdir


@pytest.fixture(scope="session")
def tiny_local_reference(tiny_local_run: Path) -> Path:
    """Tables and training logs of the local tiny run, as it finished (``tables/``, ``models/**/training_log.csv``)."""
    return tiny_local_run.parent / "reference"
