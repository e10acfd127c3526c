"""Cost of generating one month of the twin, per scenario, against the issue's target (realistic <= 5 s).

    python benchmarks/twin.py [--month 2021-12] [--repeats 3] [--smoke] [--runs]

Times ``sstbias.twin.synthesize_month`` (the rule synthesize's work: 3-hourly HYCOM, daily OISST and the
diagnostics of a whole month at the default config's size, written to a temporary folder) for both scenarios
side by side in one process, alternating them, and prints the median wall time of each and their ratio. The
default month, December 2021, holds the most storms of the default test period. ``--smoke``: a 0.96 x 0.96 degree
box and one run of each (checks that the benchmark runs; its figures then mean nothing). ``--runs``: instead, the
month's forecast runs (one analysed at 12 UTC on each day of the month, the taus of leads 1, 2, 3, 5 and 7, one
file per run and tau: ``sstbias.twin.run_files.write_runs``) against the month's synthesis (realistic), alternated
in the same way.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

from sstbias.period import month_days
from sstbias.twin import synthesize_month
from sstbias.twin.run_files import write_runs

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 5.0
RUN_LEADS = (1, 2, 3, 5, 7)


def month_seconds(config: dict, month: str, scenario: str, folder: Path) -> float:
    """Wall time (s) of one synthesize_month of ``scenario``."""
    config = copy.deepcopy(config)
    config["twin"]["scenario"] = scenario
    paths = [folder / f"{scenario}_{kind}.nc" for kind in ("hycom", "oisst", "diagnostics")]
    start = time.perf_counter()
    synthesize_month(month, config, *paths)
    return time.perf_counter() - start


def runs_seconds(config: dict, month: str, folder: Path) -> tuple[float, int, int]:
    """Wall time (s) of writing the month's forecast runs (:data:`RUN_LEADS`), the number of files and bytes."""
    days = month_days(month, config["period"])
    analyses = pd.DatetimeIndex([day + pd.Timedelta(hours=12) for day in days])
    start = time.perf_counter()
    paths = write_runs(config, analyses, folder / "runs", leads=RUN_LEADS)
    seconds = time.perf_counter() - start
    return seconds, len(paths), sum(path.stat().st_size for path in paths)


def compare_runs(config: dict, month: str, repeats: int) -> None:
    """Print the median wall times of a month of forecast runs and of the month's synthesis, and their ratio."""
    synthesis, runs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            synthesis.append(month_seconds(config, month, "realistic", Path(tmp)))
            seconds, files, size = runs_seconds(config, month, Path(tmp))
            runs.append(seconds)
    median_synthesis, median_runs = statistics.median(synthesis), statistics.median(runs)
    print(f"synthesis      month {month}: median {median_synthesis:.2f} s over {repeats} runs {synthesis}")
    print(f"forecast runs  month {month}, leads {list(RUN_LEADS)}: median {median_runs:.2f} s over {repeats} {runs}")
    print(f"  {files} files, {size / 2**20:.1f} MiB")
    print(f"month of runs / month of synthesis: {median_runs / median_synthesis:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2021-12")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="a 0.96 x 0.96 degree box, one run each")
    parser.add_argument("--runs", action="store_true", help="a month of forecast runs against the month's synthesis")
    args = parser.parse_args()
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    if args.smoke:
        config["box"] = {"lat_min": 12.0, "lat_max": 12.96, "lon_min": 110.0, "lon_max": 110.96}
        args.repeats = 1
    if args.runs:
        compare_runs(config, args.month, args.repeats)
        return
    times: dict[str, list[float]] = {"realistic": [], "bias_dominated": []}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeats):
            for scenario in times:
                times[scenario].append(month_seconds(config, args.month, scenario, Path(tmp)))
    median = {scenario: statistics.median(values) for scenario, values in times.items()}
    for scenario, value in median.items():
        print(f"{scenario:15s} month {args.month}: median {value:.2f} s over {args.repeats} runs {times[scenario]}")
    verdict = "met" if median["realistic"] <= TARGET_S else "MISSED"
    print(f"realistic / bias_dominated: {median['realistic'] / median['bias_dominated']:.2f}x")
    print(f"target: a month of realistic <= {TARGET_S:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
