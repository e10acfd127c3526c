"""Wall time and peak memory of the default workflow from an empty results/, and of a no-op dry run after it.

Runs in a temporary copy of the repository so the checkout's results/ is untouched:

    python benchmarks/workflow_run.py [--configfile config/config.yaml [OVERLAY.yaml ...]] [--cores 2] [--keep DIR]
        [--smoke]

``--keep DIR`` runs in DIR (created, must not exist) and keeps it, results included. ``--smoke`` runs the config
shrunk to a tiny size (a 1-degree box, 12 days) up to the raw baseline's metrics only (SMOKE_TARGET): a check
that the benchmark runs (tests/test_benchmarks.py), whose figures mean nothing.

Prints one table: the measured figures beside the targets (the full default run, `rule all`, <= 15 min: the grids,
the ablation and the budget curve are targets of their own; config/multiyear.yaml and config/leads.yaml <= 30 min,
the latter within 2 GiB; the tables and figures together < 1 min of job time, peak memory <= 1 GiB, no-op dry run
<= 2 s), then the job time per rule and the slowest jobs from Snakemake's per-job benchmark files (every lead's
too).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[1]
# Rules that summarise results into tables and figures (the "under 1 minute together").
SMOKE_TARGET = "results/twin/metrics/raw.json"  # a command-line config cannot remove the default's models
SUMMARY_RULES = {"tables", "grid_summary", "prediction_figures", "error_series_figure", "training_figure"}
# The issues' targets of other configs (the whole run in s, the largest process in MiB); the default: 900 s, 1 GiB.
TARGETS = {"multiyear.yaml": (1800.0, 1024.0), "leads.yaml": (1800.0, 2048.0)}


def source_commit() -> str:
    """``git describe --always --dirty`` of this checkout: the copy is no git repository, so the table rules'
    provenance files take it from SSTBIAS_SOURCE_COMMIT (sstbias.evaluation.results_doc)."""
    described = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True, check=False
    )
    return described.stdout.strip() if described.returncode == 0 else ""


def run(workdir: Path, *args: str) -> float:
    """Seconds taken by ``snakemake args`` in ``workdir`` (raises on failure)."""
    start = time.perf_counter()
    env = {**os.environ, "SSTBIAS_SOURCE_COMMIT": source_commit()}
    subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=workdir, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def shrink(config: dict) -> dict:
    """``config`` at the smoke test's tiny size: a 13x13 box on 12 days."""
    config["box"] = {"lat_min": 12.0, "lat_max": 13.04, "lon_min": 111.0, "lon_max": 112.04}
    config["period"] = {"start": "2021-01-01", "end": "2021-01-12"}
    for settings in config["models"].values():  # 12 days hold no 19-day window: the forecast's window only
        settings.pop("history_days", None)
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configfile", nargs="+", default=["config/config.yaml"], help="a config and its overlays")
    parser.add_argument("--cores", default="2")
    parser.add_argument("--keep", type=Path, help="run in this new folder and keep it (default: a temporary one)")
    parser.add_argument("--smoke", action="store_true", help="tiny size: checks that the benchmark runs")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.keep.resolve() if args.keep else Path(tmp)
        for name in ("Snakefile", "workflow", "config", "src", "envs", "docs"):
            source = REPO / name
            (shutil.copytree if source.is_dir() else shutil.copy)(source, workdir / name)
        configs = [str((REPO / name).resolve()) for name in args.configfile]
        if args.smoke:
            configs = [str(workdir / "smoke.yaml")]
            (workdir / "smoke.yaml").write_text(
                yaml.safe_dump(shrink(yaml.safe_load((REPO / args.configfile[0]).read_text())))
            )
        targets = [SMOKE_TARGET] if args.smoke else []
        full = run(workdir, *targets, "--cores", args.cores, "--configfile", *configs)
        peak_job_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        noop = run(workdir, *targets, "-n", "--cores", args.cores, "--configfile", *configs)
        rows = []
        results = workdir / "results"
        for root in [*results.glob("*/benchmarks"), *results.glob("*/lead_*/benchmarks")]:  # lead_<L>: per lead
            lead = f"{root.parent.name}/" if root.parent.name.startswith("lead_") else ""
            for tsv in root.rglob("*.tsv"):
                bench = pd.read_csv(tsv, sep="\t")
                job = tsv.relative_to(root).with_suffix("")
                rows.append(
                    {
                        "rule": job.parts[0],
                        "job": f"{lead}{job}",
                        "s": bench["s"].iloc[0],
                        "max_rss_mib": bench["max_rss"].iloc[0],
                    }
                )
        jobs = pd.DataFrame(rows).sort_values("s", ascending=False)
    summaries = jobs.loc[jobs["rule"].isin(SUMMARY_RULES), "s"].sum()
    named = [TARGETS[Path(name).name] for name in args.configfile if Path(name).name in TARGETS]
    run_target, memory_target = named[0] if named else (900.0, 1024.0)
    print(f"config {' '.join(args.configfile)}, --cores {args.cores}")
    print(f"{'figure':<36}{'measured':>12}{'target':>12}{'ratio':>8}")
    for label, value, target in (
        ("full run from empty results/ (s)", full, run_target),
        ("tables and figures, job time (s)", summaries, 60.0),
        ("peak RSS of one process (MiB)", peak_job_mib, memory_target),
        ("no-op dry run afterwards (s)", noop, 2.0),
    ):
        print(f"{label:<36}{value:>12.1f}{target:>12.1f}{value / target:>8.2f}")
    per_rule = jobs.groupby("rule")["s"].agg(["count", "sum"]).sort_values("sum", ascending=False)
    print(f"sum of job times {jobs['s'].sum():.1f} s over {len(jobs)} jobs; per rule:")
    print(per_rule.to_string(float_format=lambda v: f"{v:.1f}"))
    print("slowest jobs:")
    print(jobs.head(8).to_string(index=False, float_format=lambda v: f"{v:.1f}"))


if __name__ == "__main__":
    main()
