"""Snakemake runs of the workflow on a tiny config in temporary copies of the repository (shared by the tests)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW_FILES = ("Snakefile", "workflow", "config", "src", "envs", "profiles")


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
    """Run Snakemake with ``args`` in ``workdir`` and wait for it (see ``snakemake_command``)."""
    return subprocess.run(
        snakemake_command(args, timeout),
        cwd=workdir,
        env=snakemake_env(env),
        capture_output=True,
        text=True,
        timeout=timeout + 30,
    )


def start_snakemake(
    workdir: Path, *args: str, output: Path, env: dict[str, str] | None = None, timeout: int = 900
) -> subprocess.Popen:
    """Start Snakemake with ``args`` in ``workdir`` without waiting; its stdout and stderr go to ``output``."""
    with output.open("w") as sink:
        return subprocess.Popen(
            snakemake_command(args, timeout), cwd=workdir, env=snakemake_env(env), stdout=sink, stderr=sink
        )


def planned_jobs(output: str) -> dict[str, int]:
    """Rule -> job count from the first 'Job stats' table Snakemake prints (dry runs and real runs)."""
    table = output.split("Job stats:")[1].split("\n\n")[0] if "Job stats:" in output else ""
    return {rule: int(n) for rule, n in re.findall(r"^(\w+)\s+(\d+)\s*$", table, flags=re.M) if rule != "total"}
