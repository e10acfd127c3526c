"""Shared fixtures: the genuine HYCOM/OISST files (format references, never copied into the repo), loopback
servers that answer download requests in the genuine formats, and the tiny workflow run."""

import dataclasses
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback_archive import ERDDAP_GAP, FEBRUARY_GAP, PRELIMINARY_DAY, small_config
from workflow_runs import TINY_TARGETS, copy_workflow, snakemake

from sstbias.testing.server import Archive, LoopbackServer

REPO = Path(__file__).resolve().parents[1]
# The local reference run (the whole tiny workflow, about 65 jobs on 2 cores): a few minutes on an idle machine;
# the limit bounds a hang with room for a busy one, and SSTBIAS_TEST_TIME_SCALE raises it further.
REFERENCE_RUN_S = 1800


@pytest.fixture(scope="session")
def realdata() -> Path:
    """Folder of the genuine files: $SSTBIAS_REALDATA or ../shared/realdata beside the repository."""
    folder = Path(os.environ.get("SSTBIAS_REALDATA", REPO.parent / "shared" / "realdata"))
    if not (folder / "oisst-avhrr-v02r01.20211025.nc").exists():
        pytest.skip(f"genuine data files not found in {folder} (set SSTBIAS_REALDATA)")
    return folder


# --- loopback servers (sstbias.testing.server) answering NCSS, ERDDAP griddap and NCEI requests ---------------------


@pytest.fixture(scope="session")
def twin_archive_folder(tmp_path_factory) -> Path:
    """The small config's twin (2021-01-01 .. 02-04) as the twin source writes it (genuine layouts, one file per
    product and month)."""
    folder = tmp_path_factory.mktemp("archive")
    Archive.from_twin(small_config(), folder)
    return folder


@pytest.fixture(scope="session")
def twin_archive(twin_archive_folder: Path) -> Archive:
    """The twin archive's files, decoded (what the loopback servers answer from)."""
    return Archive.from_files(
        sorted(twin_archive_folder.glob("hycom_*.nc")), sorted(twin_archive_folder.glob("oisst_*.nc"))
    )


@pytest.fixture
def loopback(twin_archive: Archive, monkeypatch) -> Iterator[LoopbackServer]:
    """A fresh server (no faults, empty request log) with two ERDDAP gaps and one preliminary-only NCEI day.

    Requests to it bypass any HTTP proxy of the environment (also in the snakemake jobs, which inherit it).
    """
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    gaps = {ERDDAP_GAP, FEBRUARY_GAP}
    archive = dataclasses.replace(twin_archive, erddap_gaps=gaps, preliminary_days={PRELIMINARY_DAY})
    with LoopbackServer(archive) as server:
        yield server


@pytest.fixture(scope="session")
def tiny_local_run(tmp_path_factory) -> Path:
    """The workflow run locally (2 cores) on the tiny config, its default target and its grids; returns its working
    copy.

    Tests may change that copy; an untouched copy of its results' tables, per-run metrics and training logs stays
    in ``tiny_local_reference``.
    """
    workdir = copy_workflow(tmp_path_factory.mktemp("local") / "repo")
    run = snakemake(workdir, *TINY_TARGETS, "--configfile", "tiny.yaml", timeout=REFERENCE_RUN_S)
    assert run.returncode == 0, run.stderr[-4000:]
    results = workdir / "results" / "twin"
    reference = workdir.parent / "reference"
    shutil.copytree(results / "tables", reference / "tables")
    shutil.copytree(results / "metrics", reference / "metrics")
    for log_csv in (results / "models").rglob("training_log.csv"):
        target = reference / "models" / log_csv.relative_to(results / "models")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(log_csv, target)
    return workdir


@pytest.fixture(scope="session")
def tiny_local_reference(tiny_local_run: Path) -> Path:
    """Tables, per-run metrics and training logs of the local tiny run, as it finished (``tables/``, ``metrics/``,
    ``models/**/training_log.csv``)."""
    return tiny_local_run.parent / "reference"
