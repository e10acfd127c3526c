"""A real SLURM cluster on localhost for the cluster tests, started by ``tests/cluster/slurm-cluster.sh``.

The tests run only when SSTBIAS_CLUSTER_TESTS=1 (``.ci/run`` sets it); then a cluster that cannot start fails the
tests loudly instead of skipping them.
"""

import importlib.util
import os
import shlex
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("slurm-cluster.sh")
ENABLE = "SSTBIAS_CLUSTER_TESTS"


def cluster_script(command: str, timeout: int = 240) -> subprocess.CompletedProcess:
    """``slurm-cluster.sh COMMAND`` under ``timeout -k 10``."""
    return subprocess.run(
        ["timeout", "-k", "10", str(timeout), str(SCRIPT), command], capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="session")
def slurm_env() -> dict[str, str]:
    """Environment variables pointing SLURM clients at a running local cluster (SLURM_CONF).

    Starts the cluster unless it already runs; stops it at the end of the session only if it was started here.
    """
    if os.environ.get(ENABLE) != "1":
        pytest.skip(f"SLURM cluster tests run with {ENABLE}=1 (needs root and `{SCRIPT} install`)")
    if importlib.util.find_spec("snakemake_executor_plugin_slurm") is None:
        pytest.fail("snakemake-executor-plugin-slurm is not installed (pip install -e '.[test]')", pytrace=False)
    already_running = cluster_script("status", timeout=60).returncode == 0
    start = cluster_script("start")
    if start.returncode != 0:
        pytest.fail(
            f"the local SLURM cluster did not start, so the cluster tests cannot run ({ENABLE}=1):\n"
            + start.stderr[-4000:],
            pytrace=False,
        )
    env_file = Path(cluster_script("env", timeout=30).stdout.strip())
    exports = dict(shlex.split(line)[1].split("=", 1) for line in env_file.read_text().splitlines() if line)
    yield exports
    if not already_running:
        stop = cluster_script("stop", timeout=120)
        assert stop.returncode == 0, stop.stderr[-2000:]
