"""Speed of `sstbias correct` with ConvGRU-SA at the default config's size on this CPU, against the issue's targets.

    python benchmarks/correct.py [--model DIR] [--repeats 5] [--threads 2] [--smoke]
    python benchmarks/correct.py --runs [--model DIR] [--repeats 5] [--threads 2] [--reference-src DIR] [--smoke]

Measured, side by side with the targets:
- start-up: from just before the process is spawned until the corrector is ready (Python start, every import,
  the model folder's checks, the weights loaded and the regridding engine imported); target < 5 s;
- correcting one day after start-up: reading a raw HYCOM file with the day's 5-day input window (40 3-hourly
  steps), daily reduction, regridding, normalisation, the network, and writing the netCDF file; target < 2 s.
  The first correction of the process is the figure compared with the target; the median of the following
  ones and a breakdown of one correction into its steps are printed too;
- for reference, the wall time of one whole `sstbias correct` command (start-up and one day together).

Without ``--model``, a model folder is built in ``benchmarks/out/correct/`` with the workflow's own stage
functions on January 2021 of the twin at the default config's size (0.08 deg grid, 51x51; ConvGRU-SA with 16
hidden, 16 front and 8 attention channels, a 5-day window), TRAINED FOR 3 ITERATIONS ONLY: the time of a
correction does not depend on the weights' values, but its corrected values are meaningless. With ``--model``,
the raw forecast file of the window is the twin's January at the default config's box (written into
``benchmarks/out/correct/work/`` when absent), so the model must be trained on that box (the default run's is).

``--runs`` times instead one forecast run corrected at every lead of config/leads.yaml (0, 1, 2, 3, 5, 7), against
issue 22's target (start-up + correction <= 10 s on 2 cores), in two ways of holding the leads' models: one model
folder per lead (``per lead``: copies of the lead-0 folder, built or ``--model``, with their lead recorded,
``forecast_preparation.lead``, the hash recomputed) and one folder of a model that takes the lead as an input
(``lead input``: built by the workflow's stage ``train_deep_lead_input``, 3 iterations, the lead-0 month standing in
for every lead's training data), the two ways of ``forecast.lead_models``. Each way is timed in ``--repeats`` fresh
processes, alternating, and judged on the median of start-up (process start until the folders are checked and
loaded) plus the correction of the newest run (reading each lead's input window from the runs' step files, daily
reduction, regridding, the network(s), the netCDF file); one whole `sstbias correct --model ... --runs DAY` command
per way is timed for reference. The forecast is the twin's runs of the window at the default box (all 61 steps of
each, one file per step, ``sstbias.twin.run_files.write_runs``; the ``window`` + 1 runs up to the period's last
day, whose run is the one corrected: ``--runs`` that day). The time depends on neither the weights' nor the training
data's values; the corrected values mean nothing. ``--reference-src DIR`` times the per-lead folders also with another
checkout's library (e.g. ``git worktree add ../old COMMIT``, then ``--reference-src ../old/src``), alternating with
the others: a before/after comparison in one run.

``--smoke`` runs everything at a tiny size (an 11x11 grid at 0.16 deg, 12 days, 4 hidden channels, 2 iterations,
one correction) in a new temporary folder, removed at the end: a check that the benchmark runs
(tests/test_benchmarks.py),
whose figures mean nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MODEL = "convgru_sa"
MONTH = "2021-01"
TARGETS = {"startup_s": 5.0, "one_day_s": 2.0, "run_s": 10.0}
RUN_LEADS = (0, 1, 2, 3, 5, 7)  # config/leads.yaml's leads
SMOKE_LEADS = (0, 2)
TRAINING_ITERATIONS = 3


@dataclass(frozen=True)
class Setup:
    """Where the benchmark works and on what: the twin config, the corrected day the period's last (its input
    window the ``window`` days before it)."""

    out: Path
    config: dict
    iterations: int

    @property
    def window(self) -> int:
        """Days of ConvGRU-SA's input window in this config (its sequence and the longest history)."""
        from sstbias.deep.settings import deep_settings

        return deep_settings(MODEL, self.config["models"][MODEL]).input_window_days

    @property
    def window_days(self) -> tuple[str, str]:
        """First and last day of the corrected day's input window (the period's last ``window`` days)."""
        import pandas as pd

        end = pd.Timestamp(self.config["period"]["end"])
        return str((end - pd.Timedelta(days=self.window - 1)).date()), str(end.date())


def make_setup(smoke: bool) -> Setup:
    """The default config on January 2021 in benchmarks/out/correct/, or the tiny smoke-test size."""
    import yaml

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["period"] = {"start": f"{MONTH}-01", "end": f"{MONTH}-31"}
    if not smoke:
        return Setup(REPO / "benchmarks" / "out" / "correct", config, TRAINING_ITERATIONS)
    config["period"]["end"] = f"{MONTH}-12"
    config["box"] = {"lat_min": 12.0, "lat_max": 13.6, "lon_min": 109.6, "lon_max": 111.2}  # the coast at its west
    config["grid"]["resolution"] = 0.16
    # 12 days hold no 19-day window: the smoke model reads the forecast's 5-day window only
    config["models"][MODEL].update(hidden_channels=4, front_channels=4, attention_channels=2, history_days=[])
    return Setup(Path(tempfile.mkdtemp(prefix="sstbias-correct-smoke-")), config, 2)


def raw_forecast(setup: Setup) -> Path:
    """The twin's raw HYCOM file of the month (genuine layout), written by the workflow's stage if absent."""
    from sstbias.stages import data

    work = setup.out / "work"
    if not (work / "hycom.nc").exists():
        data.synthesize(MONTH, setup.config, work / "hycom.nc", work / "oisst.nc", work / "diagnostics.nc")
    return work / "hycom.nc"


def work_paths(setup: Setup) -> dict[str, Path]:
    """The workflow's intermediate files of the twin month, in ``setup.out``/work."""
    names = [("oisst", "nc"), ("daily", "nc"), ("forecast", "nc"), ("observation", "nc"), ("aligned", "nc")]
    names += [("split", "json"), ("split_csv", "csv"), ("normalisation", "json")]
    return {name: setup.out / "work" / f"{name}.{suffix}" for name, suffix in names}


def prepared_month(setup: Setup) -> dict:
    """The twin month read, reduced, regridded, aligned, split and normalised by the workflow's stage functions
    (written when absent); returns the ``preparation`` a training records."""
    from sstbias.data.regrid import resolve_engine
    from sstbias.data.split import split_params
    from sstbias.grid import AnalysisGrid
    from sstbias.stages import data, prepare, regrid

    config, paths = setup.config, work_paths(setup)
    engine = resolve_engine(config["grid"]["regrid_engine"])
    daily = config["daily_reduction"]
    if not paths["normalisation"].exists():
        grid = AnalysisGrid.from_config(config)
        hycom = raw_forecast(setup)
        window = {"first": config["period"]["start"], "last": config["period"]["end"]}
        data.daily_forecast([hycom], paths["daily"], config["box"], window, daily["method"], daily["hour"])
        regrid.regrid_product("forecast", [paths["daily"]], paths["forecast"], grid, engine, config["period"])
        regrid.regrid_product("observation", [paths["oisst"]], paths["observation"], grid, engine, config["period"])
        prepare.align(
            paths["forecast"], paths["observation"], paths["aligned"], config["period"], config["missing_days"]
        )
        prepare.split(paths["aligned"], paths["split"], paths["split_csv"], split_params(config["split"]))
        normalisation = config["normalisation"]
        prepare.normalisation(
            paths["aligned"], paths["split"], paths["normalisation"], normalisation["method"], normalisation["scope"]
        )
    return {
        "box": config["box"],
        "daily_reduction": daily,
        "grid": {"resolution": config["grid"]["resolution"], "regrid_engine": engine},
    }


def training_arguments(setup: Setup, model_dir: Path, threads: int) -> dict:
    """The arguments both training stages take: ConvGRU-SA's config settings (seed 0, ``setup.iterations``
    iterations, evaluated and saved at the last), the folder, the threads and the prepared month's recording."""
    iterations = setup.iterations
    settings = setup.config["models"][MODEL] | {
        "seed": 0,
        "iterations": iterations,
        "eval_every": iterations,
        "checkpoint_every": iterations,
    }
    return {
        "model": MODEL,
        "settings": settings,
        "out_dir": model_dir,
        "threads": threads,
        "preparation": prepared_month(setup),
        "native_forecast": work_paths(setup)["daily"],
    }


def build_model_folder(setup: Setup, threads: int) -> Path:
    """Train ConvGRU-SA (``setup.iterations`` iterations) on the twin month through the workflow's stage functions."""
    from sstbias.deep.folder import ModelFolder
    from sstbias.stages import deep

    model_dir = setup.out / "models" / MODEL
    if not ModelFolder(model_dir).best.exists():
        paths = work_paths(setup)
        deep.train_deep(
            **training_arguments(setup, model_dir, threads),
            aligned=paths["aligned"],
            split_path=paths["split"],
            normalisation=paths["normalisation"],
        )
    return model_dir


def build_lead_input_folder(setup: Setup, leads: tuple[int, ...], threads: int) -> Path:
    """Train ConvGRU-SA once for every lead of ``leads``, the lead an input (the workflow's stage
    ``train_deep_lead_input``, ``setup.iterations`` iterations), with the lead-0 month standing in for every
    lead's data: the time of a correction depends on neither the weights' nor the training data's values."""
    from sstbias.deep.folder import ModelFolder
    from sstbias.stages import deep

    model_dir = setup.out / "lead_input_models" / MODEL
    if not ModelFolder(model_dir).best.exists():
        paths = work_paths(setup)
        deep.train_deep_lead_input(
            **training_arguments(setup, model_dir, threads),
            leads=list(leads),
            aligned=[paths["aligned"]] * len(leads),
            split_paths=[paths["split"]] * len(leads),
            normalisation=setup.config["normalisation"],
        )
    return model_dir


def window_file(setup: Setup) -> Path:
    """A raw HYCOM file (genuine layout) holding the 3-hourly steps of the corrected day's input window."""
    import numpy as np
    import pandas as pd

    from sstbias.data.io import read_hycom
    from sstbias.twin.formats import write_hycom

    target = setup.out / "forecast_window.nc"
    if not target.exists():
        first, last = setup.window_days
        hourly = read_hycom([raw_forecast(setup)]).sel(
            time=slice(pd.Timestamp(first), pd.Timestamp(last) + pd.Timedelta(hours=21))
        )
        lon360 = np.mod(hourly["lon"].values, 360.0)
        write_hycom(target, pd.DatetimeIndex(hourly["time"].values), hourly["lat"].values, lon360, hourly.values)
    return target


def child(model_dir: str, forecast: str, repeats: int, threads: int, out: Path) -> None:
    """Runs in its own process: start-up, then ``repeats`` corrections of the window's last day; prints JSON."""
    from sstbias.correct import ForecastCorrector, write_corrected

    corrector = ForecastCorrector(model_dir, device="cpu", threads=threads)
    ready = time.time()
    seconds = []
    for repeat in range(repeats):
        start = time.perf_counter()
        corrected = corrector.correct([forecast])
        write_corrected(corrected, out / f"corrected_{repeat}.nc", corrector.provenance([forecast]), "benchmark")
        seconds.append(time.perf_counter() - start)
    if corrected.sizes["time"] != 1:
        raise RuntimeError(f"one corrected day expected, got {corrected.sizes['time']}")
    print(json.dumps({"ready": ready, "seconds": seconds, "breakdown": breakdown(corrector, forecast, out)}))


def breakdown(corrector, forecast: str, out: Path) -> dict[str, float]:
    """Seconds of each step of one more correction (the same calls as ForecastCorrector.correct)."""
    import pandas as pd

    from sstbias.correct import write_corrected
    from sstbias.data.regrid import regrid_bilinear
    from sstbias.deep.api import predict_days

    clock = time.perf_counter()
    steps = {}
    daily = corrector.preparation.read_daily([forecast])
    steps["read + daily reduction"], clock = time.perf_counter() - clock, time.perf_counter()
    regrid_bilinear(daily, corrector.preparation.grid, engine=corrector.preparation.regrid_engine)
    steps["regridding"], clock = time.perf_counter() - clock, time.perf_counter()
    inputs = corrector.inputs([forecast])
    clock = time.perf_counter()
    day = pd.DatetimeIndex(inputs["time"].values[-1:])
    corrected = predict_days(corrector.network, corrector.trained, inputs, day, corrector.device)
    steps["normalisation + network"], clock = time.perf_counter() - clock, time.perf_counter()
    write_corrected(corrected, out / "corrected_breakdown.nc", corrector.provenance([forecast]), "benchmark")
    steps["netCDF write"] = time.perf_counter() - clock
    return steps


def spawn_child(arguments: list[str], src: Path = REPO / "src") -> dict:
    """The JSON that a child process of this script (``arguments``: ``--child ...`` or ``--run-child ...``) prints,
    with ``startup_s``: the seconds from spawning it until it was ready; the library imported from ``src``."""
    spawned = time.time()
    done = subprocess.run(
        [sys.executable, __file__, *map(str, arguments)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(src)},
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["startup_s"] = result["ready"] - spawned
    return result


def time_command(arguments: list[str], threads: int) -> float:
    """Wall seconds of one installed `sstbias correct ARGUMENTS` command on the CPU (``threads``), quiet."""
    command = [str(Path(sys.executable).parent / "sstbias"), "correct", *map(str, arguments)]
    start = time.perf_counter()
    subprocess.run([*command, "--device", "cpu", "--threads", str(threads), "--quiet"], check=True, capture_output=True)
    return time.perf_counter() - start


def lead_folders(model_dir: Path, leads: tuple[int, ...], out: Path) -> list[Path]:
    """One model folder per lead: ``model_dir`` for lead 0, for each other lead a copy of it (weights and all,
    checkpoints left out) recording that lead, its config hash recomputed."""
    from sstbias.deep.folder import ModelFolder
    from sstbias.deep.model_dir import config_hash

    folders = []
    for lead in leads:
        if lead == 0:
            folders.append(model_dir)
            continue
        folder = out / "lead_models" / f"lead_{lead}"
        if not ModelFolder(folder).best.exists():
            shutil.copytree(model_dir, folder, ignore=shutil.ignore_patterns("checkpoints"), dirs_exist_ok=True)
            path = ModelFolder(folder).description
            description = json.loads(path.read_text())
            description["forecast_preparation"]["lead"] = lead
            description["config_hash"] = config_hash(description)
            path.write_text(json.dumps(description, indent=1))
        folders.append(folder)
    return folders


def run_files(setup: Setup) -> Path:
    """A folder of the twin's forecast runs (every step, one file each) analysed on the period's last ``window``+1
    days: every lead window of the newest run (lead 0's takes the previous run's taus 12 .. 21 h)."""
    import pandas as pd

    from sstbias.data.leads import ANALYSIS_HOUR
    from sstbias.twin.run_files import write_runs

    folder = setup.out / "runs"
    if not folder.is_dir():
        newest = pd.Timestamp(setup.config["period"]["end"]) + pd.Timedelta(hours=ANALYSIS_HOUR)
        analyses = [newest - pd.Timedelta(days=k) for k in range(setup.window, -1, -1)]
        write_runs(setup.config, analyses, folder)
    return folder


def lead_child(model_dirs: list[str], folder: str, threads: int, out: Path) -> None:
    """Runs in its own process: start-up of a corrector per lead, then one correction of the newest run of
    ``folder`` at every lead, written; prints JSON."""
    import pandas as pd

    from sstbias.correct import RunCorrector, find_forecast_files, write_corrected

    corrector = RunCorrector(model_dirs, device="cpu", threads=threads)
    ready = time.time()
    start = time.perf_counter()
    paths = find_forecast_files([folder])
    newest = pd.DatetimeIndex([max(corrector.runs_of(paths).runs).date()])  # the run a forecaster corrects
    corrected = corrector.correct(paths, newest)
    write_corrected(corrected, out / "corrected_run.nc", corrector.provenance(paths), "benchmark")
    seconds = time.perf_counter() - start
    if corrected.sizes["forecast_reference_time"] != 1 or corrected.isnull().all(dim=("lat", "lon")).any():
        raise RuntimeError(f"one run with every lead expected, got {dict(corrected.sizes)}")
    print(json.dumps({"ready": ready, "seconds": [seconds], "files": len(paths)}))


def time_run(
    setup: Setup, model_dir: Path, threads: int, smoke: bool, repeats: int, reference: Path | None = None
) -> None:
    """Time start-up and the correction of one run at every lead (``--runs``), ``repeats`` fresh processes per way
    of holding the leads' models (alternating), and print their medians beside the target. ``reference``: another
    checkout's ``src/``, timed too with the per-lead folders (``per lead, ref``)."""
    leads = SMOKE_LEADS if smoke else RUN_LEADS
    per_lead = lead_folders(model_dir, leads, setup.out)
    variants = {
        "per lead": (per_lead, REPO / "src"),
        "lead input": ([build_lead_input_folder(setup, leads, threads)], REPO / "src"),
    }
    if reference is not None:
        variants["per lead, ref"] = (per_lead, reference)
    runs = run_files(setup)
    load_before = os.getloadavg()[0]
    timings: dict[str, list[dict]] = {name: [] for name in variants}
    for _ in range(repeats):
        for name, (folders, src) in variants.items():
            timings[name].append(spawn_child(["--run-child", runs, threads, setup.out, *folders], src))
    out = setup.out / "corrected_run_cli.nc"
    commands = {  # the installed command runs this checkout's library
        name: time_command(
            ["--model", *folders, "--forecast", runs, "--out", out, "--runs", setup.config["period"]["end"]], threads
        )
        if src == REPO / "src"
        else None
        for name, (folders, src) in variants.items()
    }
    load_after = os.getloadavg()[0]
    files = timings["per lead"][0]["files"]
    print(f"per lead: {len(leads)} model folders (leads {', '.join(map(str, leads))}: copies of one folder)")
    print(f"lead input: one folder trained on leads {', '.join(map(str, leads))}, the lead an input channel")
    if reference is not None:
        print(f"per lead, ref: the per-lead folders, the library from {reference}")
    print(f"forecast: {runs} ({files} step files, {setup.window + 1} runs) -> the newest run, every lead")
    print(f"CPU: {os.cpu_count()} cores, torch threads {threads}; load average {load_before:.2f} -> {load_after:.2f}")
    print(f"{repeats} fresh process(es) per way, alternating; medians, [min - max] of the sum")
    target = TARGETS["run_s"]
    print(f"\n{'models':<13} {'start-up s':>10} {'correction s':>12} {'sum s':>7} {'[min - max]':>15} "
          f"{'target s':>9} {'ratio':>6}  verdict  {'whole command s':>15}")  # fmt: skip
    for name, rows in timings.items():
        sums = [row["startup_s"] + row["seconds"][0] for row in rows]
        total = statistics.median(sums)
        verdict = "meets" if total <= target else "MISSES"
        startup = statistics.median(row["startup_s"] for row in rows)
        correction = statistics.median(row["seconds"][0] for row in rows)
        print(f"{name:<13} {startup:>10.3f} {correction:>12.3f} {total:>7.3f} "
              f"{f'[{min(sums):.2f} - {max(sums):.2f}]':>15} {'<= ' + str(target):>9} {total / target:>6.2f}  "
              f"{verdict:<7}  {'-' if commands[name] is None else f'{commands[name]:.3f}':>15}")  # fmt: skip


def main() -> None:
    from sstbias.deep.folder import ModelFolder

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="a trained ConvGRU-SA folder (default: build a 3-iteration one)")
    parser.add_argument(
        "--repeats", type=int, default=5, help="corrections in the process; --runs: processes per way (default 5)"
    )
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    parser.add_argument("--smoke", action="store_true", help="tiny size, one correction: checks that it runs")
    parser.add_argument("--runs", action="store_true", help="one forecast run at every lead, one model per lead")
    parser.add_argument("--reference-src", type=Path, help="--runs: another checkout's src/, timed too (per lead)")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    parser.add_argument("--run-child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        model_dir, forecast, repeats, threads, out = args.child
        child(model_dir, forecast, int(repeats), int(threads), Path(out))
        return
    if args.run_child:
        folder, threads, out, *model_dirs = args.run_child
        lead_child(model_dirs, folder, int(threads), Path(out))
        return
    setup = make_setup(args.smoke)
    repeats = 1 if args.smoke else args.repeats
    setup.out.mkdir(parents=True, exist_ok=True)
    model_dir = args.model or build_model_folder(setup, args.threads)
    if args.runs:
        time_run(setup, model_dir, args.threads, args.smoke, repeats, args.reference_src)
        if args.smoke:
            shutil.rmtree(setup.out)
        return
    forecast = window_file(setup)
    load_before = os.getloadavg()[0]
    result = spawn_child(["--child", model_dir, forecast, repeats, args.threads, setup.out])
    command_s = time_command(
        ["--model", model_dir, "--forecast", forecast, "--out", setup.out / "corrected_cli.nc"], args.threads
    )
    load_after = os.getloadavg()[0]

    description = json.loads(ModelFolder(model_dir).description.read_text())
    settings = description["settings"]
    print(f"model folder: {model_dir}")
    print(
        f"  {description['model']}: hidden {settings['hidden_channels']}, front {settings['front_channels']}, "
        f"attention {settings['attention_channels']}, window {description['input_window_days']} days, grid "
        f"{len(description['lat'])}x{len(description['lon'])}"
        + ("" if args.model else f"; trained {setup.iterations} iterations only (timing, not skill)")
    )
    first_day, last_day = setup.window_days
    print(f"forecast: {forecast.name} ({first_day}..{last_day}, {8 * setup.window} steps) -> 1 corrected day")
    print(
        f"CPU: {os.cpu_count()} cores, torch threads {args.threads}; load average {load_before:.2f} -> {load_after:.2f}"
    )
    first, rest = result["seconds"][0], result["seconds"][1:]
    rows = [
        ("start-up (process start -> ready)", result["startup_s"], TARGETS["startup_s"]),
        ("correct one day (first after start-up)", first, TARGETS["one_day_s"]),
    ]
    if rest:
        rows.append((f"correct one day (median of next {len(rest)})", statistics.median(rest), TARGETS["one_day_s"]))
    print(f"\n{'measure':<42} {'measured s':>10} {'target s':>9} {'ratio':>6}  verdict")
    for name, value, target in rows:
        verdict = "meets" if value < target else "MISSES"
        print(f"{name:<42} {value:>10.3f} {'< ' + str(target):>9} {value / target:>6.2f}  {verdict}")
    print(f"{'whole `sstbias correct` command (1 day)':<42} {command_s:>10.3f} {'-':>9}")
    print("\nbreakdown of one correction (s):")
    for step, seconds in result["breakdown"].items():
        print(f"  {step:<28} {seconds:.3f}")
    if args.smoke:
        shutil.rmtree(setup.out)


if __name__ == "__main__":
    main()
