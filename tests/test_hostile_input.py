"""Hostile input: one table of bad inputs (probe -> the message fragment the user sees), kept in step with
docs/reliability.md.

Each probe builds one bad input from a tiny genuine-layout setup (the twin's raw HYCOM file, a ConvGRU-SA folder
trained for 2 iterations by benchmarks/correct.py's own builder, and the config) and runs what a user runs: the
readers, the download validator, the trainer, `sstbias correct`/`describe` (in this process, through the CLI's
``main``), and `snakemake -n` (a subprocess). ``caught`` probes must fail with the fragment and, for the CLI and
Snakemake, without a Python traceback on stderr and without writing the output; ``repaired`` probes must succeed
with the fragment in the log.
"""

import functools
import hashlib
import importlib.util
import io
import json
import logging
import os
import pickle
import shutil
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import netCDF4
import numpy as np
import pandas as pd
import pytest
import torch
import xarray as xr
import yaml
from synthetic import aligned_dataset
from workflow_runs import REPO

from sstbias.atomic import check_output_target
from sstbias.box import Box
from sstbias.cli import main
from sstbias.data.daily import reduce_daily
from sstbias.data.download.http import HttpSettings, MalformedPayload, download
from sstbias.data.download.payload import inspect_payload
from sstbias.data.io import read_hycom
from sstbias.data.normalise import fit_normaliser
from sstbias.data.split import chronological_split
from sstbias.deep.api import train_deep_model
from sstbias.deep.model_dir import config_hash
from sstbias.errors import DownloadError, SstbiasError

pytestmark = pytest.mark.integration

TRACEBACK = "Traceback (most recent call last)"


def _benchmark_module():
    spec = importlib.util.spec_from_file_location("benchmark_correct", REPO / "benchmarks" / "correct.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass resolves annotations through sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def setup():
    """The smoke-size twin month (raw HYCOM file) and a ConvGRU-SA folder trained on it for 2 iterations."""
    bench = _benchmark_module()
    config = bench.make_setup(smoke=True)
    model_dir = bench.build_model_folder(config, threads=1)
    yield {"raw": config.out / "work" / "hycom.nc", "model": model_dir, "box": Box.from_config(config.config["box"])}
    shutil.rmtree(config.out)


# --- building the bad inputs --------------------------------------------------------------------------------------


def copy_netcdf(source: Path, target: Path, file_format: str = "NETCDF4", zlib: bool = True, edit=None) -> Path:
    """``source`` copied variable by variable (stored values, attributes) into ``target``; ``edit(name, attrs,
    data) -> (attrs, data)`` may change a variable (``attrs`` includes ``_FillValue``; drop it to write none)."""
    with netCDF4.Dataset(source) as src, netCDF4.Dataset(target, "w", format=file_format) as dst:
        src.set_auto_maskandscale(False)
        dst.setncatts({key: src.getncattr(key) for key in src.ncattrs()})
        for name, dim in src.dimensions.items():
            dst.createDimension(name, None if dim.isunlimited() else len(dim))
        for name, var in src.variables.items():
            attrs = {key: var.getncattr(key) for key in var.ncattrs()}
            data = var[:]
            if edit is not None:
                attrs, data = edit(name, attrs, data)
            fill = attrs.pop("_FillValue", False)
            out = dst.createVariable(
                name, var.dtype, var.dimensions, zlib=zlib and file_format == "NETCDF4", fill_value=fill
            )
            out.set_auto_maskandscale(False)
            out.setncatts(attrs)
            out[:] = data
    return target


def edit_temperature(change: Callable[[dict, np.ndarray], tuple[dict, np.ndarray]]):
    """An ``edit`` for :func:`copy_netcdf` changing water_temp only."""
    return lambda name, attrs, data: change(attrs, data) if name == "water_temp" else (attrs, data)


def without_fill_value(attrs, data):
    return {k: v for k, v in attrs.items() if k not in ("_FillValue", "missing_value")}, data


def kelvin(attrs, data):
    return attrs | {"units": "K", "add_offset": np.float32(attrs["add_offset"] + 273.15)}, data


def all_nan_second_step(attrs, data):
    data = data.copy()
    data[1] = attrs["_FillValue"]
    return attrs, data


def zeroed_last_step(setup, target: Path) -> Path:
    """An uncompressed netCDF-4 copy whose last time step's data bytes are zeroed (the file keeps its length)."""
    copy_netcdf(setup["raw"], target, zlib=False)
    with netCDF4.Dataset(target) as ds:
        ds.set_auto_maskandscale(False)
        last = np.ascontiguousarray(ds["water_temp"][-1]).tobytes()
    content = bytearray(target.read_bytes())
    start = bytes(content).find(last)
    assert start > 0, "the last step's bytes were not found"
    content[start : start + len(last)] = bytes(len(last))
    target.write_bytes(bytes(content))
    return target


def reversed_time(name, attrs, data):
    return attrs, data[::-1].copy() if name in ("time", "water_temp", "tau") else data


def other_values_at_one_step(attrs, data):
    data = data.copy()
    data[0] = np.where(data[0] == attrs["_FillValue"], data[0], data[0] + 100)
    return attrs, data


def truncated(source: Path, target: Path, keep: float) -> Path:
    target.write_bytes(source.read_bytes()[: int(source.stat().st_size * keep)])
    return target


def hdf5_signature(target: Path, extra: bytes) -> Path:
    target.write_bytes(b"\x89HDF\r\n\x1a\n" + extra)
    return target


def shifted_east(setup, target: Path) -> Path:
    return copy_netcdf(setup["raw"], target, edit=lambda n, a, d: (a, d + 5.0) if n == "lon" else (a, d))


def coarser(setup, target: Path) -> Path:
    """The raw forecast on every second latitude (another grid over the same box)."""
    from sstbias.twin.formats import write_hycom

    hourly = read_hycom([setup["raw"]])
    write_hycom(
        target,
        pd.DatetimeIndex(hourly["time"].values),
        hourly["lat"].values[::2],
        np.mod(hourly["lon"].values, 360.0),
        hourly.values[:, ::2],
    )
    return target


def edited_model(setup, tmp_path: Path, edit) -> Path:
    """A copy of the trained folder whose model_config.json is edited and re-hashed (a careful hand edit)."""
    folder = tmp_path / "model"
    shutil.copytree(setup["model"], folder, ignore=shutil.ignore_patterns("checkpoints"))
    description = json.loads((folder / "model_config.json").read_text())
    edit(description)
    description["config_hash"] = config_hash(description)
    (folder / "model_config.json").write_text(json.dumps(description))
    return folder


def replaced_weights(setup, tmp_path: Path, state, sidecar: str = "match") -> Path:
    """A copy of the trained folder whose best.pt holds ``state`` (bytes or a torch-saved object)."""
    folder = tmp_path / "model"
    shutil.copytree(setup["model"], folder, ignore=shutil.ignore_patterns("checkpoints"))
    weights = folder / "best.pt"
    if isinstance(state, bytes):
        payload = state
    else:
        buffer = io.BytesIO()
        torch.save(state(torch.load(weights, weights_only=True)), buffer)
        payload = buffer.getvalue()
    weights.write_bytes(payload)
    if sidecar == "match":
        (folder / "best.pt.sha256").write_text(hashlib.sha256(payload).hexdigest() + "\n")
    return folder


# --- running what the user runs -----------------------------------------------------------------------------------


def cli(capsys, *arguments: str, out: Path | None = None) -> str:
    """`sstbias ...` in this process: exit status 1, one message, no traceback, ``out`` not written."""
    before = out.read_bytes() if out is not None and out.exists() else None
    status = main(list(arguments))
    err = capsys.readouterr().err
    assert status == 1, err
    assert TRACEBACK not in err
    if out is not None:
        assert (out.read_bytes() if out.exists() else None) == before, "the output file was written"
    return err


def correct(setup, capsys, tmp_path, forecast: Path, *extra: str, model: Path | None = None) -> str:
    out = tmp_path / "corrected.nc"
    arguments = ["correct", "--model", str(model or setup["model"]), "--forecast", str(forecast), "--out", str(out)]
    return cli(capsys, *arguments, *extra, out=out)


def describe(capsys, model: Path) -> str:
    return cli(capsys, "describe", "--model", str(model))


def read(setup, *paths: Path) -> str:
    with pytest.raises(SstbiasError) as caught:
        read_hycom(list(paths), box=setup["box"])
    return str(caught.value)


def repaired(setup, caplog, path: Path) -> str:
    with caplog.at_level(logging.WARNING, logger="sstbias.data.io"):
        field = read_hycom([path], box=setup["box"])
    assert np.isfinite(field.values).any() and float(np.nanmax(field.values)) < 40.0
    return caplog.text


def snakemake_dry_run(tmp_path: Path, change: Callable[[dict], None]) -> str:
    """`snakemake -n` with the default config changed by ``change``: it must fail before any job, in a few lines
    of stderr without a Python traceback; returns the output."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    change(config)
    (tmp_path / "probe.yaml").write_text(yaml.safe_dump(config))
    command = [sys.executable, "-m", "snakemake", "-n", "-s", str(REPO / "Snakefile"), "-d", str(tmp_path / "run")]
    done = subprocess.run(
        [*command, "--configfile", str(tmp_path / "probe.yaml")], capture_output=True, text=True, timeout=300
    )
    output = done.stdout + done.stderr
    assert done.returncode != 0, output[-2000:]
    assert TRACEBACK not in output
    assert len(output.splitlines()) < 10, output[-3000:]
    assert "Job stats" not in output  # failed while reading the config: no job planned
    return output


def downloaded(setup, tmp_path: Path, body: bytes) -> str:
    """Download ``body`` from a loopback file server through the workflow's downloader and payload validator
    (one retry): the error after the retries, which must leave no file behind."""
    served = tmp_path / "served"
    served.mkdir()
    (served / "answer.nc").write_bytes(body)
    handler = functools.partial(_QuietHandler, directory=str(served))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/answer.nc"
    settings = HttpSettings(timeout_s=10, retries=1, backoff_s=0, backoff_max_s=0, user_agent="probe", progress=False)
    target = tmp_path / "raw" / "day.nc"
    try:
        message = _raises(DownloadError, download, url, target, settings, _validator(setup))
    finally:
        server.shutdown()
        server.server_close()
    assert "gave up after 2 attempts" in message
    assert not (target.parent.exists() and any(target.parent.iterdir())), "a file was left behind"
    return message


def _validator(setup):
    return lambda path: inspect_payload(path, "water_temp", setup["box"])


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's signature)
        pass


def lowered_iterations(tmp_path: Path, caplog) -> str:
    data = aligned_dataset(n_days=40, shape=(6, 5))
    split = chronological_split(pd.DatetimeIndex(data["time"].values), 0.8, 0.1)
    normaliser = fit_normaliser(data, split["train"])
    settings = {"hidden_channels": 2, "sequence_length": 2, "device": "cpu", "eval_every": 2, "checkpoint_every": 4}
    train_deep_model("convgru", settings | {"iterations": 8}, data, split, normaliser, tmp_path)
    with caplog.at_level(logging.INFO, logger="sstbias.deep"):
        history = train_deep_model("convgru", settings | {"iterations": 4}, data, split, normaliser, tmp_path)
    assert history[-1]["iteration"] == 4 and torch.load(tmp_path / "last.pt", weights_only=True)["iteration"] == 4
    return caplog.text


def set_model(key, value):
    return lambda c: c["models"]["convgru"].update({key: value})


# --- untrusted files (a model or results folder from someone else) ------------------------------------------------


class _Payload:
    """An object whose unpickling writes ``marker``: what a hostile pickle in a model folder would carry."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('code ran')",))


def _marker(tmp_path: Path) -> Path:
    return tmp_path / "MARKER"


def _no_code_ran(tmp_path: Path, message: str) -> str:
    """``message``, after checking that no planted payload ran."""
    assert not _marker(tmp_path).exists(), "a planted payload ran"
    return message


def payload_weights(setup, tmp_path: Path) -> Path:
    """A copy of the trained folder whose best.pt carries a payload, with a recomputed sha256 sidecar."""
    return replaced_weights(setup, tmp_path, lambda state: {**state, "model": _Payload(_marker(tmp_path))})


def climatology_folder(tmp_path: Path) -> Path:
    """A tiny ConvGRU folder trained over the climatology (its folder holds climatology.nc)."""
    data = aligned_dataset(n_days=30, shape=(6, 5))
    split = chronological_split(pd.DatetimeIndex(data["time"].values), 0.8, 0.1)
    settings = {"hidden_channels": 2, "sequence_length": 2, "device": "cpu", "iterations": 2, "eval_every": 2}
    settings |= {"residual_over": "climatology"}
    folder = tmp_path / "climatology_model"
    train_deep_model("convgru", settings, data, split, fit_normaliser(data, split["train"]), folder)
    return folder


def planted_climatology(tmp_path: Path, content: bytes) -> Path:
    """A climatology folder whose climatology.nc holds ``content``, its sha256 recorded (and re-hashed)."""
    folder = climatology_folder(tmp_path)
    (folder / "climatology.nc").write_bytes(content)
    description = json.loads((folder / "model_config.json").read_text())
    description["climatology"]["sha256"] = hashlib.sha256(content).hexdigest()
    description["config_hash"] = config_hash(description)
    (folder / "model_config.json").write_text(json.dumps(description))
    return folder


def planted_checkpoint(tmp_path: Path, caplog) -> str:
    """A resumed training whose newest checkpoint carries a payload (with a matching sidecar): the log."""
    data = aligned_dataset(n_days=30, shape=(6, 5))
    split = chronological_split(pd.DatetimeIndex(data["time"].values), 0.8, 0.1)
    normaliser = fit_normaliser(data, split["train"])
    settings = {"hidden_channels": 2, "sequence_length": 2, "device": "cpu", "eval_every": 2, "checkpoint_at": [2]}
    train_deep_model("convgru", settings | {"iterations": 4}, data, split, normaliser, tmp_path / "run")
    newest = tmp_path / "run" / "checkpoints" / "iter_000004.pt"
    buffer = io.BytesIO()
    torch.save({"model": _Payload(_marker(tmp_path)), "iteration": 4}, buffer)
    newest.write_bytes(buffer.getvalue())
    newest.with_name(newest.name + ".sha256").write_text(hashlib.sha256(buffer.getvalue()).hexdigest() + "\n")
    with caplog.at_level(logging.WARNING, logger="sstbias.deep"):
        train_deep_model("convgru", settings | {"iterations": 6}, data, split, normaliser, tmp_path / "run")
    return _no_code_ran(tmp_path, caplog.text)


def planted_baseline(tmp_path: Path, dump: Callable[[object, Path], None]) -> str:
    """predict_baseline (the workflow's stage) on a model.nc that ``dump`` filled with a payload: the error."""
    from sstbias.stages.baselines import predict_baseline

    model = tmp_path / "models" / "climatology" / "model.nc"
    model.parent.mkdir(parents=True)
    dump(_Payload(_marker(tmp_path)), model)
    message = _raises(
        SstbiasError, predict_baseline, "climatology", model, tmp_path / "a.nc", tmp_path / "s.json", tmp_path / "p.nc"
    )
    return _no_code_ran(tmp_path, message)


def _pickle_to(obj: object, path: Path) -> None:
    path.write_bytes(pickle.dumps(obj))


def _joblib_to(obj: object, path: Path) -> None:
    import joblib

    joblib.dump(obj, path, compress=3)


def special_out(setup, tmp_path: Path, capsys, kind: str) -> str:
    """`correct --overwrite` to a FIFO, socket or folder: refused, the path untouched and nothing hangs."""
    out = tmp_path / f"special_{kind}"
    if kind == "fifo":
        os.mkfifo(out)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(out))
    else:
        out.mkdir()
    before = stat.S_IFMT(out.stat().st_mode)
    arguments = ["correct", "--model", str(setup["model"]), "--forecast", str(setup["raw"]), "--overwrite"]
    message = cli(capsys, *arguments, "--out", str(out))
    assert stat.S_IFMT(out.stat().st_mode) == before, "the path was replaced"
    return message


def prediction_over_fifo(tmp_path: Path) -> str:
    """The workflow's prediction writer asked to write over a FIFO: refused, the FIFO left as it is."""
    from sstbias.netcdf import write_prediction

    out = tmp_path / "prediction.nc"
    os.mkfifo(out)
    field = aligned_dataset(n_days=2, shape=(3, 3))["forecast"]
    message = _raises(SstbiasError, write_prediction, field, out, "raw")
    assert stat.S_ISFIFO(out.stat().st_mode)
    return message


def scaled_head(state: dict) -> dict:
    """``state`` whose output layer adds 1e6 (normalised) everywhere: corrections of about 1e6 degC."""
    weights = {key: value.clone() for key, value in state["model"].items()}
    weights["head.bias"] = weights["head.bias"] + 1e6
    return {**state, "model": weights}


def set_normaliser(key: str, value) -> Callable[[dict], None]:
    return lambda d: d["normaliser"]["stats"]["forecast"].update({key: value})


def empty_mask(description: dict) -> None:
    description["ocean_mask"] = ["0" * len(row) for row in description["ocean_mask"]]


# --- guards -------------------------------------------------------------------------------------------------------


def float_forecast(setup, target: Path, change: Callable[[np.ndarray], None]) -> Path:
    """The raw forecast decoded to float32 degC, ``change``d in place (time, depth, lat, lon), written to ``target``."""
    ds = xr.load_dataset(setup["raw"])
    values = ds["water_temp"].values.copy()
    change(values)
    ds["water_temp"] = ds["water_temp"].copy(data=values)
    ds["water_temp"].encoding = {"dtype": "float32", "_FillValue": np.float32(np.nan)}
    ds.to_netcdf(target)
    return target


def _at_an_ocean_cell(value: float, step: int = 0) -> Callable[[np.ndarray], None]:
    """Set ``value`` at the ocean cell nearest the middle of the file (inside the box) at ``step``."""

    def change(values: np.ndarray) -> None:
        rows, columns = np.nonzero(np.isfinite(values[step, 0]))
        middle = np.argmin(np.hypot(rows - values.shape[2] / 2, columns - values.shape[3] / 2))
        values[step, 0, rows[middle], columns[middle]] = value

    return change


def daily(setup, path: Path) -> str:
    with pytest.raises(SstbiasError) as caught:
        reduce_daily(read_hycom([path], box=setup["box"]))
    return str(caught.value)


def correct_succeeds(setup, tmp_path: Path, forecast: Path, *extra: str) -> str:
    """`sstbias correct` in a subprocess, as a user runs it: exit 0 and the output written; returns stderr."""
    out = tmp_path / "corrected.nc"
    command = [sys.executable, "-m", "sstbias", "correct", "--model", str(setup["model"]), "--forecast", str(forecast)]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([*command, "--out", str(out), *extra], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0 and out.exists(), done.stderr[-2000:]
    return done.stderr


def quiet_correct(setup, tmp_path: Path) -> str:
    """`sstbias correct -q` that succeeds: stderr holds nothing but sstbias's own warnings (the smoke model is
    corrected on its training month, which is warned); returns the other lines, or a note that there are none."""
    err = correct_succeeds(setup, tmp_path, setup["raw"], "-q")
    others = [line for line in err.splitlines() if not line.startswith("WARNING sstbias.correct:")]
    return "\n".join(others) or "stderr: only sstbias warnings"


def bad_argument(capsys, *arguments: str) -> str:
    """`sstbias ...` with an invalid argument: exit status 2, argparse's usage and one error line, no traceback."""
    with pytest.raises(SystemExit) as caught:
        main(list(arguments))
    err = capsys.readouterr().err
    assert caught.value.code == 2 and TRACEBACK not in err, err
    return err


def interrupted_correct(setup, tmp_path: Path, capsys) -> str:
    """Ctrl-C during `sstbias correct`: exit 130, one line, no output file."""
    from sstbias.correct import ForecastCorrector

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    out = tmp_path / "corrected.nc"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ForecastCorrector, "correct", interrupt)
        status = main(["correct", "--model", str(setup["model"]), "--forecast", str(setup["raw"]), "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 130 and TRACEBACK not in err and not out.exists() and len(err.splitlines()) == 1, err
    return err


def full_disk(setup, tmp_path: Path, capsys) -> str:
    """`sstbias correct` writing on a full disk (the netCDF library says only "NetCDF: HDF error")."""

    def hdf_error(*args, **kwargs):
        raise RuntimeError("NetCDF: HDF error")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(xr.Dataset, "to_netcdf", hdf_error)
        patch.setattr(shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(100, 100, 0))
        message = correct(setup, capsys, tmp_path, setup["raw"])
    assert not list(tmp_path.glob(".*.part")), "a partial file was left"
    return message


def stale_part_removed(tmp_path: Path) -> str:
    """A killed job's ``.part`` beside a prediction: the next write of that prediction removes it."""
    from sstbias.netcdf import write_prediction

    stale = _write(tmp_path / ".prediction.nc.k1ll3d.part", b"half a file")
    write_prediction(aligned_dataset(n_days=2, shape=(3, 3))["forecast"], tmp_path / "prediction.nc", "raw")
    assert (tmp_path / "prediction.nc").exists()
    return f"{stale.name}: removed" if not stale.exists() else f"{stale.name}: still there"


def warmer(attrs, data):
    return attrs, np.where(data == attrs["_FillValue"], data, data + 10000)  # +10 degC (scale_factor 0.001)


# --- the table ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    name: str
    run: Callable  # (setup, tmp_path, capsys, caplog) -> text the user sees
    expected: str


def _p(name, run, expected):
    return pytest.param(Probe(name, run, expected), id=name)


PROBES = [
    # raw files (the readers behind every workflow rule and `sstbias correct`)
    _p("empty file", lambda s, t, c, g: read(s, _write(t / "empty.nc", b"")), "empty.nc: empty file"),
    _p(
        "HTML error page",
        lambda s, t, c, g: read(s, _write(t / "page.nc", b"<html><body>502 Bad Gateway</body></html>")),
        "page.nc: an HTML/text error page, not netCDF",
    ),
    _p(
        "gzip-compressed file",
        lambda s, t, c, g: read(s, _write(t / "g.nc", b"\x1f\x8b\x08\x00" + bytes(64))),
        "g.nc: not a netCDF file (unknown signature",
    ),
    _p(
        "truncated netCDF-3 classic",
        lambda s, t, c, g: read(
            s, truncated(copy_netcdf(s["raw"], t / "c.nc", "NETCDF3_64BIT_OFFSET"), t / "cut.nc", 0.6)
        ),
        "cut.nc: truncated netCDF file",
    ),
    _p(
        "truncated netCDF-4",
        lambda s, t, c, g: read(s, truncated(s["raw"], t / "cut4.nc", 0.6)),
        "cut4.nc: truncated netCDF file",
    ),
    _p(
        "8-byte file: the HDF5 signature only",
        lambda s, t, c, g: read(s, hdf5_signature(t / "sig8.nc", b"")),
        "sig8.nc: truncated or malformed netCDF header",
    ),
    _p(
        "9-byte file: HDF5 signature and a version byte",
        lambda s, t, c, g: read(s, hdf5_signature(t / "sig9.nc", b"\x00")),
        "sig9.nc: truncated or malformed netCDF header",
    ),
    _p(
        "9-byte HDF5 file as a download payload (retried as malformed)",
        lambda s, t, c, g: _raises(
            MalformedPayload, inspect_payload, hdf5_signature(t / "dl.nc", b"\x02"), "water_temp", s["box"]
        ),
        "dl.nc: truncated or malformed netCDF header",
    ),
    _p(
        "9-byte HDF5 answer through the downloader (retried, then reported)",
        lambda s, t, c, g: downloaded(s, t, b"\x89HDF\r\n\x1a\n\x02"),
        "truncated or malformed netCDF header",
    ),
    _p("wrong variable", lambda s, t, c, g: _wrong_variable(s, t), "salinity.nc: no variable 'water_temp'"),
    _p(
        "unknown temperature units",
        lambda s, t, c, g: read(
            s, copy_netcdf(s["raw"], t / "u.nc", edit=edit_temperature(lambda a, d: (a | {"units": "furlongs"}, d)))
        ),
        "u.nc: unknown temperature units 'furlongs'",
    ),
    _p(
        "an all-NaN time step",
        lambda s, t, c, g: read(s, copy_netcdf(s["raw"], t / "nan.nc", edit=edit_temperature(all_nan_second_step))),
        "nan.nc: no valid water_temp value at 2021-01-01 03:00:00",
    ),
    _p(
        "a box the file does not cover",
        lambda s, t, c, g: read(s, shifted_east(s, t / "east.nc")),
        "east.nc: does not cover the box's west (lon_min) edge",
    ),
    _p(
        "int16 packed without _FillValue/missing_value (land -30000 -> -10 degC)",
        lambda s, t, c, g: read(s, copy_netcdf(s["raw"], t / "nofill.nc", edit=edit_temperature(without_fill_value))),
        "water_temp is packed int16 without _FillValue or missing_value",
    ),
    _p(
        "zeroed data bytes in an uncompressed netCDF-4 file (would read 20.0 degC)",
        lambda s, t, c, g: read(s, zeroed_last_step(s, t / "zeroed.nc")),
        "zeroed.nc: ",
    ),
    _p(
        "conflicting repeated time step in two files",
        lambda s, t, c, g: read(
            s,
            s["raw"],
            copy_netcdf(s["raw"], t / "other.nc", edit=edit_temperature(other_values_at_one_step)),
        ),
        "conflicting values for the repeated time step 2021-01-01 00:00:00 (UTC) in ",
    ),
    # documented repairs
    _p(
        "Kelvin temperatures (repaired)",
        lambda s, t, c, g: repaired(s, g, copy_netcdf(s["raw"], t / "k.nc", edit=edit_temperature(kelvin))),
        "temperatures in Kelvin",
    ),
    _p(
        "time steps out of order (repaired)",
        lambda s, t, c, g: repaired(s, g, copy_netcdf(s["raw"], t / "rev.nc", edit=reversed_time)),
        "rev.nc: time steps not in increasing order: sorted",
    ),
    # `sstbias correct` / `sstbias describe`
    _p(
        "correct --device gpu0",
        lambda s, t, c, g: correct(s, c, t, s["raw"], "--device", "gpu0"),
        "--device: 'gpu0' is not a device name",
    ),
    _p(
        "correct: forecast outside the trained box",
        lambda s, t, c, g: correct(s, c, t, shifted_east(s, t / "east.nc")),
        "east.nc: does not cover the box's west (lon_min) edge",
    ),
    _p(
        "correct: forecast on another grid",
        lambda s, t, c, g: correct(s, c, t, coarser(s, t / "coarse.nc")),
        "coarse.nc: the forecast is on another grid than the one the model was trained on",
    ),
    _p(
        "correct --out inside the model folder (best.pt)",
        lambda s, t, c, g: cli(
            c, "correct", "--model", str(s["model"]), "--forecast", str(s["raw"]), "--out", str(s["model"] / "best.pt")
        ),
        "best.pt: inside the model folder",
    ),
    _p(
        "correct --out over an existing file it did not write",
        lambda s, t, c, g: correct(s, c, t, s["raw"], "--out", str(_write(t / "notes.txt", b"my notes"))),
        "notes.txt: exists and is not an output of sstbias correct",
    ),
    _p(
        "best.pt: truncated (sha256 sidecar no longer matches)",
        lambda s, t, c, g: correct(
            s, c, t, s["raw"], model=replaced_weights(s, t, (s["model"] / "best.pt").read_bytes()[:100], "stale")
        ),
        "best.pt: sha256 does not match",
    ),
    _p(
        "best.pt: garbage with a matching sha256",
        lambda s, t, c, g: correct(s, c, t, s["raw"], model=replaced_weights(s, t, b"garbage")),
        "best.pt: unreadable",
    ),
    _p(
        "best.pt: a plain state_dict with a matching sha256",
        lambda s, t, c, g: correct(s, c, t, s["raw"], model=replaced_weights(s, t, lambda state: state["model"])),
        "best.pt: not an sstbias checkpoint",
    ),
    _p(
        "best.pt: a list with a matching sha256",
        lambda s, t, c, g: correct(s, c, t, s["raw"], model=replaced_weights(s, t, lambda state: [1, 2])),
        "best.pt: not an sstbias checkpoint (expected the network's weights under 'model' and an 'iteration'; "
        "found list)",
    ),
    _p(
        "model_config.json without forecast_preparation.regrid",
        lambda s, t, c, g: correct(
            s, c, t, s["raw"], model=edited_model(s, t, lambda d: d["forecast_preparation"].pop("regrid"))
        ),
        "model_config.json: forecast_preparation lacks the entry 'regrid'",
    ),
    _p(
        'model_config.json with input_window_days: "five"',
        lambda s, t, c, g: correct(
            s, c, t, s["raw"], model=edited_model(s, t, lambda d: d.update(input_window_days="five"))
        ),
        "model_config.json: entry input_window_days has an unexpected value 'five'",
    ),
    _p(
        "describe: model_config.json without forecast_preparation.regrid",
        lambda s, t, c, g: describe(c, edited_model(s, t, lambda d: d["forecast_preparation"].pop("regrid"))),
        "forecast_preparation lacks the entry 'regrid'",
    ),
    _p(
        'describe: input_window_days "five"',
        lambda s, t, c, g: describe(c, edited_model(s, t, lambda d: d.update(input_window_days="five"))),
        "entry input_window_days has an unexpected value",
    ),
    _p(
        "describe: best.pt deleted",
        lambda s, t, c, g: describe(c, _without(replaced_weights(s, t, b"x"), "best.pt")),
        "best.pt: weights file not found",
    ),
    _p(
        "describe: best.pt garbage",
        lambda s, t, c, g: describe(c, replaced_weights(s, t, b"garbage", "stale")),
        "best.pt: sha256 does not match",
    ),
    # training
    _p(
        "iterations lowered from 8 to 4 on the same folder",
        lambda s, t, c, g: lowered_iterations(t, g),
        "iterations lowered to 4: deleting 1 checkpoint(s) beyond it (iter_000008.pt)",
    ),
    # the config, before any job (`snakemake -n`)
    _p(
        "config: unknown key",
        lambda s, t, c, g: snakemake_dry_run(t, lambda cfg: cfg.update(boxx=1)),
        "boxx: unknown key",
    ),
    _p(
        "config: even kernel_size",
        lambda s, t, c, g: snakemake_dry_run(t, set_model("kernel_size", 4)),
        "models.convgru.kernel_size: must be odd",
    ),
    _p(
        "config: sequence_length longer than the training days",
        lambda s, t, c, g: snakemake_dry_run(
            t, lambda cfg: cfg.update(period={"start": "2021-01-01", "end": "2021-01-05"})
        ),
        "sequence_length: an input window of 19 days (sequence_length 5 and the longest history_days 14) is "
        "longer than the period's 4 training days",
    ),
    _p(
        "config: device gpu0",
        lambda s, t, c, g: snakemake_dry_run(t, set_model("device", "gpu0")),
        "models.convgru.device: 'gpu0' is not a device name",
    ),
    _p(
        "config: box at the antimeridian",
        lambda s, t, c, g: snakemake_dry_run(
            t, lambda cfg: cfg.update(box={"lat_min": 12.0, "lat_max": 16.0, "lon_min": 176.0, "lon_max": 180.0})
        ),
        "box: lon_min=176.0, lon_max=180.0 with raw_margin_deg=0.5 reaches beyond the antimeridian",
    ),
    _p(
        "config: a box on the twin's land",
        lambda s, t, c, g: snakemake_dry_run(
            t, lambda cfg: cfg.update(box={"lat_min": 12.0, "lat_max": 14.0, "lon_min": 106.0, "lon_max": 108.0})
        ),
        "is all land in the twin's",
    ),
    # untrusted files: no code runs, the file is named
    _p(
        "best.pt carrying a pickle payload, sha256 recomputed (describe)",
        lambda s, t, c, g: _no_code_ran(t, describe(c, payload_weights(s, t))),
        "best.pt: unreadable (UnpicklingError: holds objects other than tensors and plain containers (it names "
        "exec), refused unread)",
    ),
    _p(
        "best.pt carrying a pickle payload, sha256 recomputed (correct)",
        lambda s, t, c, g: _no_code_ran(t, correct(s, c, t, s["raw"], model=payload_weights(s, t))),
        "best.pt: unreadable (UnpicklingError: holds objects other than tensors",
    ),
    _p(
        "checkpoints/iter_*.pt carrying a pickle payload (resumed training)",
        lambda s, t, c, g: planted_checkpoint(t, g),
        "iter_000004.pt: unreadable (UnpicklingError: holds objects other than tensors and plain containers (it "
        "names exec), refused unread)",
    ),
    _p(
        "climatology.nc replaced by a pickle, sha256 and config_hash recomputed (describe)",
        lambda s, t, c, g: _no_code_ran(t, describe(c, planted_climatology(t, pickle.dumps(_Payload(_marker(t)))))),
        "climatology.nc: a pickled model (written by an older sstbias): refused unread, a pickle can run code",
    ),
    _p(
        "model_config.json naming a climatology file outside the folder",
        lambda s, t, c, g: describe(
            c, edited_model(s, t, lambda d: d.update(climatology={"file": "../evil.joblib", "sha256": "0" * 64}))
        ),
        "model_config.json: entry climatology has an unexpected value",
    ),
    _p(
        'model_config.json with climatology: "yes"',
        lambda s, t, c, g: correct(s, c, t, s["raw"], model=edited_model(s, t, lambda d: d.update(climatology="yes"))),
        "model_config.json: entry climatology has an unexpected value 'yes'",
    ),
    _p(
        "baseline model.nc replaced by a pickle (predict_baseline)",
        lambda s, t, c, g: planted_baseline(t, _pickle_to),
        "model.nc: a pickled model (written by an older sstbias): refused unread",
    ),
    _p(
        "baseline model.nc replaced by a compressed joblib pickle (predict_baseline)",
        lambda s, t, c, g: planted_baseline(t, _joblib_to),
        "model.nc: a pickled model (written by an older sstbias): refused unread",
    ),
    # outputs only where they belong
    _p(
        "correct --out a FIFO with --overwrite",
        lambda s, t, c, g: special_out(s, t, c, "fifo"),
        "special_fifo: is a FIFO (named pipe); an output is written only to a new path or over a regular file",
    ),
    _p(
        "correct --out a socket with --overwrite",
        lambda s, t, c, g: special_out(s, t, c, "socket"),
        "special_socket: is a socket; an output is written only",
    ),
    _p(
        "correct --out a folder with --overwrite",
        lambda s, t, c, g: special_out(s, t, c, "folder"),
        "special_folder: is a folder; an output is written only",
    ),
    _p(
        "an output path that is a device (/dev/null)",
        lambda s, t, c, g: _raises(SstbiasError, check_output_target, "/dev/null"),
        "/dev/null: is a character device; an output is written only",
    ),
    _p(
        "correct --forecast a FIFO",
        lambda s, t, c, g: correct(s, c, t, _fifo(t / "forecast.nc")),
        "forecast.nc: not a regular file",
    ),
    _p(
        "a workflow prediction over a FIFO",
        lambda s, t, c, g: prediction_over_fifo(t),
        "prediction.nc: is a FIFO (named pipe)",
    ),
    # impossible results are failures
    _p(
        "correct: weights giving corrections of about 1e6 degC",
        lambda s, t, c, g: correct(s, c, t, s["raw"], model=replaced_weights(s, t, scaled_head)),
        "impossible corrected SST on 2021-01-05: ",
    ),
    _p(
        "correct: normaliser scale 0",
        lambda s, t, c, g: correct(s, c, t, s["raw"], model=edited_model(s, t, set_normaliser("scale", 0.0))),
        "model_config.json: normaliser stats of forecast cannot give finite values (offset",
    ),
    _p(
        "describe: normaliser offset NaN",
        lambda s, t, c, g: describe(c, edited_model(s, t, set_normaliser("offset", float("nan")))),
        "normaliser stats of forecast cannot give finite values",
    ),
    _p(
        "describe: normaliser method 'log'",
        lambda s, t, c, g: describe(c, edited_model(s, t, lambda d: d["normaliser"].update(method="log"))),
        "model_config.json: normaliser method/scope 'log'/'shared' unknown",
    ),
    _p(
        "describe: empty ocean mask",
        lambda s, t, c, g: describe(c, edited_model(s, t, empty_mask)),
        "model_config.json: ocean_mask has no ocean cell",
    ),
    _p(
        "describe: input window differs from what the network's settings read",
        lambda s, t, c, g: describe(c, edited_model(s, t, lambda d: d.update(input_window_days=3))),
        "input_window_days 3 differs from the 5 days the network's settings read",
    ),
    _p(
        "describe: climatology.nc deleted",
        lambda s, t, c, g: describe(c, _without(climatology_folder(t), "climatology.nc")),
        "climatology.nc: climatology file not found",
    ),
    _p(
        "config: lr 1e38",
        lambda s, t, c, g: snakemake_dry_run(t, set_model("lr", 1e38)),
        "models.convgru.lr: must be a number > 0 and at most 10",
    ),
    # guards and one-line errors
    _p(
        "raw forecast with +Inf at an ocean cell",
        lambda s, t, c, g: read(s, float_forecast(s, t / "inf.nc", _at_an_ocean_cell(np.inf))),
        "inf.nc: 1 water_temp values are infinite (first inf at 2021-01-01 00:00:00 UTC)",
    ),
    _p(
        "a NaN at one ocean cell in one of a day's 8 steps (daily reduction)",
        lambda s, t, c, g: daily(s, float_forecast(s, t / "hole.nc", _at_an_ocean_cell(np.nan, step=1))),
        "hole.nc: 1 cell(s) hold a value in only some of the 8 steps of 2021-01-01",
    ),
    _p(
        "correct: a NaN at one ocean cell in one of a day's 8 steps",
        lambda s, t, c, g: correct(s, c, t, float_forecast(s, t / "hole.nc", _at_an_ocean_cell(np.nan, step=1))),
        "hole.nc: 1 cell(s) hold a value in only some of the 8 steps of 2021-01-01",
    ),
    _p(
        "correct --days 1000-01-01",
        lambda s, t, c, g: bad_argument(c, "correct", "--model", str(s["model"]), "--days", "1000-01-01"),
        "argument --days: '1000-01-01': outside the days sstbias can represent (1677-09-21..2262-04-11)",
    ),
    _p(
        "correct: a forecast 10 degC warmer than training (warned)",
        lambda s, t, c, g: correct_succeeds(s, t, copy_netcdf(s["raw"], t / "warm.nc", edit=edit_temperature(warmer))),
        "lies far outside the model's training range",
    ),
    _p(
        "correct -q that succeeds prints no third-party warning",
        lambda s, t, c, g: quiet_correct(s, t),
        "stderr: only sstbias warnings",
    ),
    _p(
        "correct interrupted by Ctrl-C",
        lambda s, t, c, g: interrupted_correct(s, t, c),
        "sstbias correct: interrupted (Ctrl-C); nothing written",
    ),
    _p(
        "correct on a full disk (NetCDF: HDF error)",
        lambda s, t, c, g: full_disk(s, t, c),
        "corrected.nc: no space left on device while writing it (RuntimeError: NetCDF: HDF error); nothing written",
    ),
    _p(
        "a killed job's .part file beside an output",
        lambda s, t, c, g: stale_part_removed(t),
        ".prediction.nc.k1ll3d.part: removed",
    ),
    _p(
        "config: a typo-sized box (lat -40..40, lon -170..170)",
        lambda s, t, c, g: snakemake_dry_run(
            t, lambda cfg: cfg.update(box={"lat_min": -40.0, "lat_max": 40.0, "lon_min": -170.0, "lon_max": 170.0})
        ),
        "box: lat -40.0..40.0, lon -170.0..170.0 gives 1001 x 4251 = 4255251 cells on the analysis grid at 0.08 deg, "
        "more than max_grid_cells=250000",
    ),
    _p(
        'config: dataset ".."',
        lambda s, t, c, g: snakemake_dry_run(t, lambda cfg: cfg.update(dataset="..")),
        "dataset: '..' is not a plain folder name",
    ),
    _p(
        "config: results_root naming an existing file",
        lambda s, t, c, g: snakemake_dry_run(t, lambda cfg: cfg.update(results_root=str(_write(t / "f", b"x")))),
        "exists and is not a folder",
    ),
]


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _without(folder: Path, name: str) -> Path:
    (folder / name).unlink()
    return folder


def _raises(kind, function, *args) -> str:
    with pytest.raises(kind) as caught:
        function(*args)
    return str(caught.value)


def _wrong_variable(setup, tmp_path: Path) -> str:
    """A file holding salinity instead of water_temp."""
    renamed = copy_netcdf(setup["raw"], tmp_path / "salinity.nc")
    with netCDF4.Dataset(renamed, "a") as ds:
        ds.renameVariable("water_temp", "salinity")
    return read(setup, renamed)


@pytest.mark.parametrize("probe", PROBES)
def test_probe(probe: Probe, setup, tmp_path, capsys, caplog):
    seen = probe.run(setup, tmp_path, capsys, caplog)
    assert probe.expected in seen, seen[-2000:]


def test_the_reliability_table_lists_every_probe():
    """docs/reliability.md documents each probe of the table by its name."""
    text = (REPO / "docs" / "reliability.md").read_text()
    missing = [param.values[0].name for param in PROBES if param.values[0].name not in text]
    assert not missing, missing
