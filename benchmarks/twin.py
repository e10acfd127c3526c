"""Cost of generating one month of the twin, per scenario, against the issue's target (realistic <= 5 s).

    python benchmarks/twin.py [--month 2021-12] [--repeats 3] [--smoke]

Times ``sstbias.twin.synthesize_month`` (the rule synthesize's work: 3-hourly HYCOM, daily OISST and the
diagnostics of a whole month at the default config's size, written to a temporary folder) for both scenarios
side by side in one process, alternating them, and prints the median wall time of each and their ratio. The
default month, December 2021, holds the most storms of the default test period. ``--smoke``: a 0.96 x 0.96 degree
box and one run of each (checks that the benchmark runs; its figures then mean nothing).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from sstbias.twin import synthesize_month

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 5.0


def month_seconds(config: dict, month: str, scenario: str, folder: Path) -> float:
    """Wall time (s) of one synthesize_month of ``scenario``."""
    config = copy.deepcopy(config)
    config["twin"]["scenario"] = scenario
    paths = [folder / f"{scenario}_{kind}.nc" for kind in ("hycom", "oisst", "diagnostics")]
    start = time.perf_counter()
    synthesize_month(month, config, *paths)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2021-12")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="a 0.96 x 0.96 degree box, one run each")
    args = parser.parse_args()
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    if args.smoke:
        config["box"] = {"lat_min": 12.0, "lat_max": 12.96, "lon_min": 110.0, "lon_max": 110.96}
        args.repeats = 1
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
