"""Snakemake runs of the workflow on a tiny config in temporary copies of the repository (shared by the tests)."""

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW_FILES = ("Snakefile", "workflow", "config", "src", "envs", "profiles")
# Every time limit of the workflow tests bounds a hang, not the work: it is sized for an idle 2-core machine with
# room to spare, and multiplied by this factor (e.g. SSTBIAS_TEST_TIME_SCALE=4 on a machine at load ~8).
TIME_SCALE = float(os.environ.get("SSTBIAS_TEST_TIME_SCALE", "1"))
TINY_TARGETS = ("all", "grids")  # what the tiny reference runs build: the default target and the on-demand grids
TIMED_OUT = (124, 137)  # the exit status of `timeout` when it stopped (TERM) or killed (KILL) the command


def time_limit(seconds: float) -> int:
    """``seconds`` scaled by :data:`TIME_SCALE`."""
    return max(1, int(seconds * TIME_SCALE))


def tiny_config() -> dict:
    """Two months on a coarse (0.16 deg, 26x26) grid with small models, two seeds."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["period"] = {"start": "2021-01-01", "end": "2021-02-28"}
    config["grid"]["resolution"] = 0.16
    config["models"]["random_forest"].update(n_estimators=10, max_train_samples=20000)
    config["models"]["lightgbm"].update(n_estimators=60, max_train_samples=20000)
    for name in ("convgru", "convlstm_at", "convgru_sa"):
        config["models"][name].update(hidden_channels=4, iterations=20, eval_every=10, checkpoint_every=10)
    config["grids"] = {"model": "convgru", "learning_rates": [0.004, 0.002], "iterations": [10, 20]}
    config["uncertainty"]["resamples"] = 200
    config["seeds"] = [0, 1]
    return config


def copy_workflow(root: Path) -> Path:
    """The workflow's files copied into ``root``, with the tiny config as ``tiny.yaml``."""
    root.mkdir(parents=True, exist_ok=True)
    for name in WORKFLOW_FILES:
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    (root / "tiny.yaml").write_text(yaml.safe_dump(tiny_config()))
    return root


def snakemake_command(args: tuple[str, ...], timeout: int) -> list[str]:
    """``python -m snakemake ARGS`` under ``timeout -k 10`` (a hung Snakemake is killed, not waited for).

    Without ``--profile`` or ``--executor`` it runs locally on 2 cores.
    """
    local = not any(arg in ("--profile", "--executor") for arg in args)
    return (
        ["timeout", "-k", "10", str(timeout), sys.executable, "-m", "snakemake"]
        + (["--cores", "2"] if local else [])
        + list(args)
    )


def snakemake_env(env: dict[str, str] | None) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": "", **(env or {})}


def snakemake(
    workdir: Path, *args: str, env: dict[str, str] | None = None, timeout: int = 900
) -> subprocess.CompletedProcess:
    """Run Snakemake with ``args`` in ``workdir`` and wait for it (see ``snakemake_command``); ``timeout`` (s) is
    scaled by :data:`TIME_SCALE`. A run stopped at its limit fails the test naming the run and the limit."""
    limit = time_limit(timeout)
    done = subprocess.run(
        snakemake_command(args, limit),
        cwd=workdir,
        env=snakemake_env(env),
        capture_output=True,
        text=True,
        timeout=limit + 30,
    )
    if done.returncode in TIMED_OUT:
        raise AssertionError(
            f"snakemake {' '.join(args)} in {workdir}: still running after its time limit of {limit} s, stopped "
            f"(a limit bounds a hang; on a loaded machine set SSTBIAS_TEST_TIME_SCALE, now {TIME_SCALE:g}). "
            f"Its last output: {(done.stdout + done.stderr)[-1500:]}"
        )
    return done


def ctrl_c_reaches_it() -> None:
    """``preexec_fn`` of a child that a test interrupts: Ctrl-C at its default. A shell starts background commands
    with SIGINT ignored and children inherit that (Python then installs no KeyboardInterrupt handler), so a test
    suite started with ``&`` would otherwise send a Ctrl-C that nothing hears."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_snakemake(
    workdir: Path, *args: str, output: Path, env: dict[str, str] | None = None, timeout: int = 900
) -> subprocess.Popen:
    """Start Snakemake with ``args`` in ``workdir`` without waiting; its stdout and stderr go to ``output``.

    It runs in a session of its own (``timeout`` scaled by :data:`TIME_SCALE`), so :func:`stop_snakemake` can end
    it with every process it started.
    """
    with output.open("w") as sink:
        return subprocess.Popen(
            snakemake_command(args, time_limit(timeout)),
            cwd=workdir,
            env=snakemake_env(env),
            stdout=sink,
            stderr=sink,
            start_new_session=True,
            preexec_fn=ctrl_c_reaches_it,
        )


def stop_snakemake(process: subprocess.Popen, grace: float = 60) -> None:
    """End a run of :func:`start_snakemake` and everything it started: Ctrl-C first (Snakemake cancels its
    cluster jobs; `timeout` passes the signal on), then, after ``grace`` seconds, SIGKILL to its whole session.
    A test that fails leaves nothing running (a Snakemake waiting on a stopped cluster would wait for ever)."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError):  # else the session's processes are all gone
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def planned_jobs(output: str) -> dict[str, int]:
    """Rule -> job count from the first 'Job stats' table Snakemake prints (dry runs and real runs)."""
    table = output.split("Job stats:")[1].split("\n\n")[0] if "Job stats:" in output else ""
    return {rule: int(n) for rule, n in re.findall(r"^(\w+)\s+(\d+)\s*$", table, flags=re.M) if rule != "total"}
