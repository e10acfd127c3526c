"""source: remote and source: local through the rules: snakemake downloads from a loopback server answering in the
genuine formats (a full month; an interrupted run resumed; the ERDDAP gap from NCEI) or reads user files in the
genuine layouts, and the chain downstream gives what the twin source's chain gives from the same ocean."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml
from loopback_archive import ERDDAP_GAP, FEBRUARY_GAP, small_config
from workflow_runs import copy_workflow, ctrl_c_reaches_it

from sstbias.data.regrid import resolve_engine
from sstbias.grid import AnalysisGrid
from sstbias.stages import data, prepare, regrid
from sstbias.testing.formats import write_psl_oisst
from sstbias.testing.server import Fault
from sstbias.twin.formats import write_hycom, write_oisst

pytestmark = pytest.mark.integration
ALIGNED = Path("interim", "aligned.nc")


def snakemake(workdir: Path, config: dict, *args: str, output: Path | None = None):
    """Run snakemake on ``config`` (written beside the workflow) for its aligned.nc; with ``output``, start it in a
    session of its own (Ctrl-C reaches its whole process group) with its stdout and stderr going to that file, and
    return the process without waiting."""
    name = f"{config['dataset']}.yaml"
    (workdir / name).write_text(yaml.safe_dump(config))
    target = str(Path(config["results_root"], config["dataset"], ALIGNED))
    command = [sys.executable, "-m", "snakemake", target, "--configfile", name, *args]
    env = {**os.environ, "PYTHONPATH": ""}
    if output is not None:
        with output.open("w") as sink:
            return subprocess.Popen(
                command,
                cwd=workdir,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=ctrl_c_reaches_it,
            )
    return subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=600)


def finished_outputs(output: str) -> set[Path]:
    """The outputs of the jobs Snakemake reports finished in its ``output`` so far.

    Snakemake reports a job finished ("Finished jobid: N") after its post-processing: from then on an interruption
    no longer touches the job's outputs. A file merely existing is not enough: a job renames its output into place
    before it exits, and Snakemake still counts that output incomplete until it has seen the job end.
    """
    outputs: dict[str, list[str]] = {}
    for block in re.split(r"\n\s*\n", output):
        jobid = re.search(r"^\s*jobid: (\d+)\s*$", block, flags=re.M)
        files = re.search(r"^\s*output: (.+)$", block, flags=re.M)
        if jobid and files:
            outputs[jobid.group(1)] = [name.strip() for name in files.group(1).split(",")]
    done = re.findall(r"Finished jobid: (\d+) ", output)
    return {Path(name) for jobid in done for name in outputs.get(jobid, [])}


def remote_config(server, dataset: str, start: str, end: str, timeout_s: float = 20.0) -> dict:
    config = small_config()
    config.update(dataset=dataset, source="remote", period={"start": start, "end": end})
    addresses = server.remote_config()
    config["remote"] = {
        "contact": "tests@example.org",
        "retries": 2,
        "backoff_s": 0.05,
        "backoff_max_s": 0.2,
        "hycom": addresses["hycom"] | {"timeout_s": timeout_s},
        "oisst": addresses["oisst"] | {"timeout_s": timeout_s},
    }
    return config


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return copy_workflow(tmp_path_factory.mktemp("repo"))


@pytest.fixture(scope="module")
def twin_aligned(twin_archive_folder: Path, tmp_path_factory) -> xr.Dataset:
    """The small config's period through the twin source's chain (the stage functions the rules call) from the
    archive files that the loopback server answers from."""
    config = small_config()
    out = tmp_path_factory.mktemp("twin_chain")
    grid = AnalysisGrid.from_config(config)
    engine = resolve_engine(config["grid"]["regrid_engine"])
    daily = config["daily_reduction"]
    months = {
        "2021-01": {"first": "2021-01-01", "last": "2021-01-31"},
        "2021-02": {"first": "2021-02-01", "last": "2021-02-04"},
    }
    for month, days in months.items():
        data.daily_forecast(
            [twin_archive_folder / f"hycom_{month}.nc"], out / f"daily_{month}.nc", config["box"], days, **daily
        )
    daily_files = [out / f"daily_{month}.nc" for month in months]
    regrid.regrid_product("forecast", daily_files, out / "forecast.nc", grid, engine, config["period"])
    oisst = [twin_archive_folder / f"oisst_{month}.nc" for month in months]
    regrid.regrid_product("observation", oisst, out / "observation.nc", grid, engine, config["period"])
    prepare.align(out / "forecast.nc", out / "observation.nc", out / "aligned.nc", config["period"], "error")
    return xr.load_dataset(out / "aligned.nc")


def assert_same_fields(aligned: xr.Dataset, expected: xr.Dataset) -> None:
    expected = expected.sel(time=aligned["time"])
    for name in ("forecast", "observation"):
        np.testing.assert_allclose(aligned[name].values, expected[name].values, atol=2e-4, equal_nan=True)
    np.testing.assert_array_equal(aligned["ocean_mask"].values, expected["ocean_mask"].values)


def test_full_month_download_through_the_rules(loopback, workdir, twin_aligned):
    loopback.faults.append(Fault("/ncss/", "delay", times=-1, seconds=0.2))  # slow answers: connections overlap
    config = remote_config(loopback, "remote_month", "2021-01-01", "2021-01-31")
    run = snakemake(workdir, config, "--cores", "4")
    assert run.returncode == 0, run.stderr[-4000:]
    raw = workdir / "results" / "remote_month" / "raw"
    assert len(list((raw / "hycom" / "days").glob("2021-01-*.nc"))) == 31
    assert [p.name for p in (raw / "oisst" / "erddap").iterdir()] == ["2021-01.nc"]
    assert [p.name for p in (raw / "oisst" / "ncei").iterdir()] == [f"{ERDDAP_GAP}.nc"]  # the ERDDAP gap only
    days = sorted(r["target"].split("time_start=")[1][:10] for r in loopback.served("ncss"))
    assert days == [f"2021-01-{d:02d}" for d in range(1, 32)]  # one request per day, each once
    assert len(loopback.served("griddap")) == 1 and len(loopback.served("ncei")) == 1
    assert loopback.peak_concurrency["ncss"] <= 2  # HYCOM's limit, with 4 cores available
    assert all(r["user_agent"].startswith("sstbias/") for r in loopback.requests)
    aligned = xr.load_dataset(workdir / "results" / "remote_month" / ALIGNED)
    assert aligned.sizes["time"] == 31
    assert_same_fields(aligned, twin_aligned)
    again = snakemake(workdir, config, "--cores", "4", "-n")
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr


def test_interrupted_run_resumes_without_downloading_finished_chunks(loopback, workdir, twin_aligned):
    """Across a month boundary: two ERDDAP months (checkpoints), each with a gap that NCEI fills."""
    hanging_day = "2021-01-30"
    # the answer stays away until long after the interruption (the client waits longer still: no retry)
    loopback.faults.append(Fault(f"time_start={hanging_day}", "delay", times=1, seconds=600))
    config = remote_config(loopback, "remote_resume", "2021-01-28", "2021-02-03", timeout_s=900)
    raw = workdir / "results" / "remote_resume" / "raw"
    days = [f"2021-01-{d}" for d in (28, 29, 31)] + [f"2021-02-0{d}" for d in (1, 2, 3)]
    done = [raw / "hycom" / "days" / f"{day}.nc" for day in days]
    done += [raw / "oisst" / "erddap" / f"{month}.nc" for month in ("2021-01", "2021-02")]
    done += [raw / "oisst" / "ncei" / f"{day}.nc" for day in (FEBRUARY_GAP,)]  # 01-13 is outside the period
    log = workdir / "remote_resume.out"
    process = snakemake(workdir, config, "--cores", "2", output=log)

    def hanging_request_in_flight() -> bool:
        return any(hanging_day in r["target"] and "end" not in r for r in list(loopback.requests))

    def ready_to_interrupt() -> bool:
        finished = finished_outputs(log.read_text())
        return all(path.relative_to(workdir) in finished for path in done) and hanging_request_in_flight()

    deadline = time.time() + 240
    while not ready_to_interrupt() and time.time() < deadline and process.poll() is None:
        time.sleep(0.5)
    assert ready_to_interrupt(), log.read_text()[-3000:]
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C while the hanging day downloads, every other chunk finished
    process.wait(timeout=120)
    assert process.returncode != 0 and not (raw / "hycom" / "days" / f"{hanging_day}.nc").exists()
    finished = {path: path.stat().st_mtime_ns for path in done}
    before = len(loopback.requests)

    resumed = snakemake(workdir, config, "--cores", "2")
    assert resumed.returncode == 0, resumed.stderr[-4000:]
    new = loopback.requests[before:]
    assert [(r["service"], r["target"].split("time_start=")[1][:10]) for r in new] == [("ncss", hanging_day)]
    assert {path: path.stat().st_mtime_ns for path in done} == finished
    assert not list(raw.rglob(".*.part"))
    aligned = xr.load_dataset(workdir / "results" / "remote_resume" / ALIGNED)
    expected = pd.date_range("2021-01-28", "2021-02-03")  # the ERDDAP gap 02-02 included
    assert (pd.DatetimeIndex(aligned["time"].values) == expected).all()
    assert_same_fields(aligned, twin_aligned)


def test_local_source_in_the_genuine_layouts(loopback, workdir, twin_aligned, tmp_path):
    """Hindcast files (netCDF-3, 3 depths, -180..180), a PSL yearly file and NCEI daily files of the same ocean."""
    archive = loopback.archive
    hycom_dir, oisst_dir = tmp_path / "hycom", tmp_path / "oisst"
    hycom_dir.mkdir()
    for analysis in pd.date_range("2021-01-09 12:00", "2021-01-16 12:00", freq="D"):
        for tau in range(0, 24, 3):
            valid = analysis + pd.Timedelta(hours=tau)
            step = archive.hycom.sel(time=[valid])
            name = f"hycom_glby_930_{analysis:%Y%m%d%H}_t{tau:03d}_ts3z.nc"
            write_hycom(
                hycom_dir / name,
                pd.DatetimeIndex([valid]),
                step["lat"].values,
                step["lon"].values,
                step.values,
                file_format="NETCDF3_64BIT_OFFSET",
                depths=(0.0, 2.0, 4.0),
                analysis_time=analysis,
            )
    sst = archive.oisst
    lon360 = np.round(sst["lon"].values % 360.0, 3)
    (oisst_dir / "psl").mkdir(parents=True)
    first = sst.sel(time=slice("2021-01-10", "2021-01-12"))
    write_psl_oisst(
        oisst_dir / "psl" / "sst.day.mean.2021.nc",
        pd.DatetimeIndex(first["time"].values),
        first["lat"].values,
        lon360,
        first.values,
    )
    (oisst_dir / "202101").mkdir()
    for day in pd.date_range("2021-01-13", "2021-01-20"):  # 01-17 .. 01-20 lie outside the period: left out
        field = sst.sel(time=[day + pd.Timedelta(hours=12)])
        fields = {
            "sst": field.values,
            "anom": field.values - 27.0,
            "err": np.full(field.shape, 0.15),
            "ice": np.full(field.shape, np.nan),
        }
        write_oisst(
            oisst_dir / "202101" / f"oisst-avhrr-v02r01.{day:%Y%m%d}.nc",
            pd.DatetimeIndex([day]),
            field["lat"].values,
            lon360,
            fields,
        )
    stale = {name: values + 5.0 for name, values in fields.items()}  # a preliminary file whose final is there
    write_oisst(
        oisst_dir / "202101" / "oisst-avhrr-v02r01.20210116_preliminary.nc",
        pd.DatetimeIndex([pd.Timestamp("2021-01-16")]),
        field["lat"].values,
        lon360,
        stale,
    )

    config = small_config()
    config.update(dataset="local_small", source="local", period={"start": "2021-01-10", "end": "2021-01-16"})
    config["local"] = {"hycom": [str(hycom_dir / "hycom_glby_930_*_ts3z.nc")], "oisst": [str(oisst_dir)]}
    run = snakemake(workdir, config, "--cores", "2")
    assert run.returncode == 0, run.stderr[-4000:]
    aligned = xr.load_dataset(workdir / "results" / "local_small" / ALIGNED)
    assert list(pd.DatetimeIndex(aligned["time"].values).day) == list(range(10, 17))
    assert_same_fields(aligned, twin_aligned)
    assert not (workdir / "results" / "local_small" / "raw").exists()  # user files are read in place


def test_paper_config_plans_the_whole_dag_offline(workdir):
    """config/paper.yaml: a dry run of the default target and the grids plans every download chunk and every stage;
    any HTTP request would fail here."""
    offline = {**os.environ, "PYTHONPATH": "", "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}
    run = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "all", "grids", "--configfile", "config/paper.yaml"],
        cwd=workdir,
        env=offline,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    table = (run.stdout + run.stderr).split("Job stats:")[1]
    planned = {rule: int(n) for rule, n in re.findall(r"^(\w+)\s+(\d+)\s*$", table, flags=re.M)}
    assert planned["download_hycom"] == 365 and planned["download_oisst_erddap"] == 12
    # three seeds: 5 learning rates x 3, 6 iteration checkpoints x 3, 3 deep models x 3, 3 + 2 x 3 baselines
    assert planned["daily_forecast"] == 12
    # a daily_forecast job is announced by its message, not by the list of its month's raw files
    output = run.stdout + run.stderr
    assert len(re.findall(r"^Job \d+: Daily forecast of \d{4}-\d{2} from its raw forecast files", output, re.M)) == 12
    assert "rule daily_forecast:" not in output
    assert planned["predict_iteration_grid"] == 18
    assert planned["train_deep"] == 9 + 15 and planned["train_baseline"] == 9


def test_forecast_runs_download_through_the_rules(loopback, workdir):
    """With leads [0, 1], lead 1 comes from the runs' per-step downloads (one job per run and lead day) and is the
    run's forecast of the day, not the best time series: the loopback runs drift 0.05 degC per day of tau from it."""
    config = remote_config(loopback, "remote_leads", "2021-01-02", "2021-01-20") | {"forecast": {"leads": [0, 1]}}
    (workdir / "remote_leads.yaml").write_text(yaml.safe_dump(config))
    root = Path(config["results_root"], config["dataset"])
    targets = [str(root / f"lead_{lead}" / ALIGNED) for lead in (0, 1)]
    command = [sys.executable, "-m", "snakemake", *targets, "--configfile", "remote_leads.yaml", "--cores", "2"]
    run = subprocess.run(
        command, cwd=workdir, env={**os.environ, "PYTHONPATH": ""}, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr[-4000:]
    runs = sorted(p.name for p in (workdir / root / "raw" / "hycom" / "runs").iterdir())
    assert runs == [f"202101{day:02d}12" for day in range(1, 20)]  # lead 1 of Jan 2 .. 20: the runs of Jan 1 .. 19
    steps = [r["target"] for r in loopback.served("ncss") if "FMRC_RUN" in r["target"]]
    assert len(steps) == 19 * 8 and len(set(steps)) == len(steps)  # 8 steps per run and lead day, each once
    lead0, lead1 = (xr.load_dataset(workdir / target) for target in targets)
    np.testing.assert_array_equal(lead0["observation"].values, lead1["observation"].values)
    drift = (lead1["forecast"] - lead0["forecast"]).values[:, lead0["ocean_mask"].values == 1]
    mean_tau_days = np.mean([12 + 3 * k for k in range(8)]) / 24
    np.testing.assert_allclose(drift, 0.05 * mean_tau_days, atol=2e-3)
