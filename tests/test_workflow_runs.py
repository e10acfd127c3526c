"""The helpers that run the workflow in tests: a time limit names the run that was too slow, and a stopped run
leaves no process behind."""

import os
import subprocess
import time
from pathlib import Path

import pytest
import workflow_runs
from workflow_runs import snakemake, stop_snakemake


def test_a_run_past_its_time_limit_fails_naming_it(tmp_path: Path, monkeypatch):
    """The run is stopped by `timeout` at its limit and the test fails naming it (a command that takes 30 s
    stands for a Snakemake too slow for its limit)."""
    monkeypatch.setattr(workflow_runs, "TIME_SCALE", 1.0)
    monkeypatch.setattr(workflow_runs, "snakemake_command", lambda args, limit: ["timeout", str(limit), "sleep", "30"])
    with pytest.raises(
        AssertionError, match=r"snakemake -n --cores 1 in .*: still running after its time limit of 1 s"
    ):
        snakemake(tmp_path, "-n", "--cores", "1", timeout=1)


def test_stop_snakemake_ends_the_whole_session(tmp_path: Path):
    """A process that ignores Ctrl-C and has a child of its own: both are gone after stop_snakemake."""
    script = "trap '' INT; sleep 300 & echo $! > child; wait"
    process = subprocess.Popen(["bash", "-c", script], cwd=tmp_path, start_new_session=True)
    deadline = time.monotonic() + 30
    while not (tmp_path / "child").exists() or not (tmp_path / "child").read_text().strip():
        assert time.monotonic() < deadline, "the child never started"
        time.sleep(0.05)
    child = int((tmp_path / "child").read_text())
    stop_snakemake(process, grace=1)
    assert process.returncode is not None
    deadline = time.monotonic() + 10
    while _alive(child):
        assert time.monotonic() < deadline, f"process {child} of the stopped run is still alive"
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as handle:  # a zombie waiting for its parent to reap it is not running
        return handle.read().split()[2] != "Z"
