"""A loopback HTTP server that answers HYCOM NCSS, ERDDAP griddap and NCEI requests from an archive of files.

It lets the download rules run for real without the network (tests, benchmarks, trying ``source: remote``):
the archive is decoded once with the project's readers and each request is answered by subsetting it and
writing the answer in the genuine layout (:mod:`sstbias.twin.formats`, :mod:`sstbias.testing.formats`): NCSS
answers as HYCOM netCDF-4 (or netCDF-3 for ``accept=netcdf``), griddap answers as ERDDAP netCDF-3, NCEI files as
global daily netCDF-4.

Endpoints under ``http://127.0.0.1:<port>``: ``/thredds/ncss/<dataset path>?...`` (the best time series),
``/thredds/ncss/<dataset>/<experiment>/FMRC/runs/GLBy0.08_930_FMRC_RUN_<YYYY-MM-DD>T12:00:00Z?...`` (one forecast
run, synthetic: :func:`forecast_run_field`), ``/erddap/griddap/<id>.nc?...`` and
``/ncei/<YYYYMM>/oisst-avhrr-v02r01.<YYYYMMDD>[_preliminary].nc``. ``forecast_runs`` are the runs the FMRC keeps
(others answer 404, as runs older than its window do). ``erddap_gaps`` are days the griddap
aggregation lacks; ``preliminary_days`` exist at NCEI under the ``_preliminary`` name only. ``faults`` inject
server trouble (an error status, a delay, an HTML page, a cut body) into matching requests; every request is
recorded in ``requests`` and the most simultaneous requests per service in ``peak_concurrency``.
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import numpy as np
import pandas as pd
import xarray as xr

from sstbias.data.io import read_hycom, read_oisst
from sstbias.data.leads import ANALYSIS_HOUR, RUN_HOURS
from sstbias.period import period_months
from sstbias.testing.formats import write_erddap_oisst
from sstbias.twin.formats import write_hycom, write_oisst
from sstbias.twin.generate import synthesize_month

log = logging.getLogger("sstbias.testing.server")

_GRIDDAP = re.compile(
    r"^sst\[\((?P<t0>[^)]+)\):1:\((?P<t1>[^)]+)\)\]\[\((?P<z>[^)]+)\)\]"
    r"\[\((?P<lat0>[^)]+)\):1:\((?P<lat1>[^)]+)\)\]\[\((?P<lon0>[^)]+)\):1:\((?P<lon1>[^)]+)\)\]$"
)
_FMRC_RUN = re.compile(r"/FMRC/runs/[^/]*_FMRC_RUN_(?P<run>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)$")
_NCEI = re.compile(r"^/ncei/(?P<month>\d{6})/oisst-avhrr-v02r01\.(?P<day>\d{8})(?P<preliminary>_preliminary)?\.nc$")
_OISST_GLOBAL = (np.round(-89.875 + 0.25 * np.arange(720), 3), np.round(0.125 + 0.25 * np.arange(1440), 3))
_HTML_ERROR = (
    "<!DOCTYPE html><html><head><title>Error</title></head><body><h1>{status} {reason}</h1>"
    "<p>The server could not answer this request. Please try again later.</p>{padding}</body></html>"
)


@dataclass
class Fault:
    """Trouble injected into the next ``times`` requests whose path+query contains ``match``.

    ``kind``: ``status`` (answer ``status`` with an HTML page and optional ``retry_after``), ``delay`` (wait
    ``seconds`` before answering), ``html`` (200 with a ~1 kB HTML page), ``short`` (announce the whole body,
    send ``fraction`` of it and close), ``cut`` (a consistent answer whose body is only ``fraction`` of the
    file). ``times`` < 0 means every matching request.
    """

    match: str
    kind: str
    times: int = 1
    status: int = 503
    seconds: float = 0.0
    fraction: float = 0.5
    retry_after: int | None = None


@dataclass
class Archive:
    """The fields served: ``hycom`` 3-hourly and ``oisst`` daily, each (time, lat, lon) degC, lon in [-180, 180)."""

    hycom: xr.DataArray
    oisst: xr.DataArray
    erddap_gaps: set[date] = field(default_factory=set)
    preliminary_days: set[date] = field(default_factory=set)
    forecast_runs: set[datetime] | None = None  # analysis times (UTC, naive) the FMRC keeps; None: every 12 UTC run

    @classmethod
    def from_files(cls, hycom_files: list[Path], oisst_files: list[Path], **days: set[date]) -> Archive:
        """Decode the archive's files with the project's readers (any layout they read)."""
        return cls(read_hycom(hycom_files), read_oisst(oisst_files), **days)

    @classmethod
    def from_twin(cls, config: dict, folder: Path, **days: set[date]) -> Archive:
        """The twin of ``config`` (period, box grown by raw_margin_deg, seed), written in ``folder`` as the twin
        source writes it (one HYCOM and one OISST file per month, genuine layouts) and decoded.

        Served over the same box, it holds the very values the twin source gives (the twin's observation noise
        depends on the extent it is drawn over, so a wider archive would differ).
        """
        folder.mkdir(parents=True, exist_ok=True)
        for month in period_months(config["period"]):
            files = [folder / f"{name}_{month}.nc" for name in ("hycom", "oisst", "diagnostics")]
            synthesize_month(month, config, *files)
        return cls.from_files(sorted(folder.glob("hycom_*.nc")), sorted(folder.glob("oisst_*.nc")), **days)


class LoopbackServer:
    """The server on 127.0.0.1 (a free port), answering from ``archive`` in threads; use as a context manager."""

    def __init__(self, archive: Archive, faults: list[Fault] | None = None) -> None:
        self.archive = archive
        self.faults = list(faults or [])
        self.requests: list[dict] = []
        self.peak_concurrency: Counter[str] = Counter()
        self._active: Counter[str] = Counter()
        self._lock = threading.Lock()
        # the netCDF/HDF5 libraries are not thread-safe: answers are written one at a time
        self._netcdf_lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="loopback-server", daemon=True)

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:40123``."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def remote_config(self) -> dict:
        """The config's ``remote`` server addresses pointing at this server (other keys keep their defaults)."""
        return {
            "hycom": {"base_url": f"{self.url}/thredds/ncss"},
            "oisst": {"erddap_url": f"{self.url}/erddap", "ncei_url": f"{self.url}/ncei"},
        }

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def served(self, service: str) -> list[dict]:
        """The recorded requests of ``service`` (ncss, griddap or ncei)."""
        return [r for r in self.requests if r["service"] == service]

    def _fault_for(self, target: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.match in target and fault.times != 0:
                    fault.times -= 1 if fault.times > 0 else 0
                    return fault
        return None

    @contextmanager
    def _tracked(self, service: str, target: str) -> Iterator[dict]:
        record = {"service": service, "target": target, "start": time.time(), "status": None}
        with self._lock:
            self.requests.append(record)
            self._active[service] += 1
            self.peak_concurrency[service] = max(self.peak_concurrency[service], self._active[service])
        try:
            yield record
        finally:
            with self._lock:
                self._active[service] -= 1
                record["end"] = time.time()

    # --- answers: (status, content type, body bytes) ---------------------------------------------------------

    def answer(self, path: str, query: str) -> tuple[int, str, bytes]:
        """The genuine answer to ``path`` + ``query`` (errors as the real services give them)."""
        with self._netcdf_lock:
            return self._answer(path, query)

    def _answer(self, path: str, query: str) -> tuple[int, str, bytes]:
        if path.startswith("/thredds/ncss/"):
            run = _FMRC_RUN.search(unquote(path))
            return self._ncss(parse_qs(query), pd.Timestamp(run["run"]).tz_localize(None) if run else None)
        if path.startswith("/erddap/griddap/") and path.endswith(".nc"):
            return self._griddap(unquote(query))
        match = _NCEI.match(path)
        if match:
            return self._ncei(pd.Timestamp(match["day"]), bool(match["preliminary"]))
        return 404, "text/plain", f"Not found: {path}".encode()

    def _ncss(self, query: dict[str, list[str]], run: pd.Timestamp | None = None) -> tuple[int, str, bytes]:
        """An NCSS answer from the best time series, or from the forecast run analysed at ``run``."""
        if run is not None and not self._keeps(run):
            return 404, "text/html", _HTML_ERROR.format(status=404, reason="Not Found", padding="").encode()
        try:
            var = query["var"][0]
            north, south, west, east = (float(query[key][0]) for key in ("north", "south", "west", "east"))
            start = pd.Timestamp(query["time_start"][0]).tz_localize(None)
            end = pd.Timestamp(query["time_end"][0]).tz_localize(None)
        except (KeyError, ValueError) as err:
            return 400, "text/plain", f"Bad request: {err}".encode()
        if var != "water_temp":
            return 400, "text/plain", f"Variable(s) [{var}] not contained in dataset".encode()
        da = self.archive.hycom
        if run is not None:
            start, end = max(start, run), min(end, run + pd.Timedelta(hours=RUN_HOURS))
        da = da.sel(time=slice(start, end))
        if run is not None:
            da = forecast_run_field(da, run)
        if da.sizes["time"] == 0:
            return 400, "text/plain", b"No data available in the requested time range"
        da = _box_360(da, south, north, west, east)
        accept = query.get("accept", ["netcdf"])[0]
        file_format = "NETCDF4" if accept == "netcdf4" else "NETCDF3_CLASSIC"
        times = pd.DatetimeIndex(da["time"].values)
        body = _written(lambda p: write_hycom(p, times, da["lat"].values, da["lon"].values, da.values, file_format))
        return 200, "application/x-netcdf4" if accept == "netcdf4" else "application/x-netcdf", body

    def _griddap(self, constraint: str) -> tuple[int, str, bytes]:
        match = _GRIDDAP.match(constraint)
        if not match:
            return 400, "text/plain", _erddap_error(400, f"Bad Request: Query error: {constraint}")
        first = pd.Timestamp(match["t0"]).tz_localize(None).floor("D")
        last = pd.Timestamp(match["t1"]).tz_localize(None).floor("D")
        da = self.archive.oisst
        days = pd.DatetimeIndex(da["time"].values).floor("D")
        kept = (days >= first) & (days <= last) & ~days.isin(pd.DatetimeIndex(sorted(self.archive.erddap_gaps)))
        if not kept.any():
            return 404, "text/plain", _erddap_error(404, "Not Found: Your query produced no matching results.")
        da = da.isel(time=np.flatnonzero(kept))
        da = _box_360(da, float(match["lat0"]), float(match["lat1"]), float(match["lon0"]), float(match["lon1"]))
        stamps = pd.DatetimeIndex(da["time"].values)
        body = _written(lambda p: write_erddap_oisst(p, stamps, da["lat"].values, da["lon"].values, da.values))
        return 200, "application/x-netcdf", body

    def _keeps(self, run: pd.Timestamp) -> bool:
        """Whether the FMRC holds the run analysed at ``run``."""
        if run.hour != ANALYSIS_HOUR or run.minute or run.second:
            return False
        return self.archive.forecast_runs is None or run.to_pydatetime() in self.archive.forecast_runs

    def _ncei(self, day: pd.Timestamp, preliminary: bool) -> tuple[int, str, bytes]:
        days = pd.DatetimeIndex(self.archive.oisst["time"].values).floor("D")
        if day not in days or preliminary != (day.date() in self.archive.preliminary_days):
            return 404, "text/html", _HTML_ERROR.format(status=404, reason="Not Found", padding="").encode()
        lat, lon360 = _OISST_GLOBAL
        sst = np.full((1, lat.size, lon360.size), np.nan)
        field_day = self.archive.oisst.isel(time=int(np.flatnonzero(days == day)[0]))
        rows = np.searchsorted(lat, np.round(field_day["lat"].values, 3))
        columns = np.searchsorted(lon360, np.round(field_day["lon"].values % 360.0, 3))
        sst[0][np.ix_(rows, columns)] = field_day.values
        fields = {"sst": sst, "anom": sst - 27.0, "err": np.where(np.isfinite(sst), 0.15, np.nan)}
        fields["ice"] = np.full_like(sst, np.nan)
        body = _written(lambda p: write_oisst(p, pd.DatetimeIndex([day]), lat, lon360, fields))
        return 200, "application/x-netcdf", body


FORECAST_DRIFT_C_PER_DAY = 0.05  # the synthetic runs' drift away from the best time series (degC per day of tau)


def forecast_run_field(best: xr.DataArray, analysis: pd.Timestamp) -> xr.DataArray:
    """The synthetic forecast run analysed at ``analysis`` at the valid times of ``best`` (time, lat, lon; degC):
    the best time series plus :data:`FORECAST_DRIFT_C_PER_DAY` per day after the analysis, so steps of different
    runs valid at one time differ and a test can tell which run and tau an answer came from. Not a model of
    forecast error (that is the twin's, docs/twin.md).
    """
    tau_days = (pd.DatetimeIndex(best["time"].values) - analysis) / pd.Timedelta(days=1)
    drift = xr.DataArray(FORECAST_DRIFT_C_PER_DAY * np.asarray(tau_days), dims="time", coords={"time": best["time"]})
    return best + drift


def _erddap_error(code: int, message: str) -> bytes:
    """ERDDAP's plain-text error body."""
    return f'Error {{\n    code={code};\n    message="{message}";\n}}\n'.encode()


def _box_360(da: xr.DataArray, south: float, north: float, west: float, east: float) -> xr.DataArray:
    """The part of ``da`` inside a box given with 0..360 longitudes, with its longitudes in 0..360."""
    da = da.assign_coords(lon=np.round(da["lon"].values % 360.0, 6)).sortby("lon")
    return da.sel(lat=slice(south - 1e-6, north + 1e-6), lon=slice(west - 1e-6, east + 1e-6))


def _written(write) -> bytes:
    """The bytes of a file written by ``write(path)``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "answer.nc"
        write(path)
        return path.read_bytes()


def _handler_class(server: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            parts = urlsplit(self.path)
            service = "ncss" if "/ncss/" in parts.path else "griddap" if "/griddap/" in parts.path else "ncei"
            with server._tracked(service, self.path) as record:
                record["user_agent"] = self.headers.get("User-Agent", "")
                fault = server._fault_for(unquote(self.path))
                if fault is not None and fault.kind == "delay":
                    time.sleep(fault.seconds)
                status, content_type, body = server.answer(parts.path, parts.query)
                record["status"] = self._send(status, content_type, body, fault)

        def _send(self, status: int, content_type: str, body: bytes, fault: Fault | None) -> int:
            announced = len(body)
            headers = {}
            if fault is not None and fault.kind == "status":
                status, content_type = fault.status, "text/html"
                body = _HTML_ERROR.format(status=fault.status, reason="Service Unavailable", padding="").encode()
                announced = len(body)
                if fault.retry_after is not None:
                    headers["Retry-After"] = str(fault.retry_after)
            elif fault is not None and fault.kind == "html":
                status, content_type = 200, "text/html"
                body = _HTML_ERROR.format(status=500, reason="Internal Error", padding="<!--" + "." * 800 + "-->")
                body = body.encode()
                announced = len(body)
            elif fault is not None and fault.kind in ("short", "cut"):
                body = body[: int(len(body) * fault.fraction)]
                announced = announced if fault.kind == "short" else len(body)
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(announced))
                for name, value in headers.items():
                    self.send_header(name, value)
                if fault is not None and fault.kind == "short":
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                log.info("client went away during %s", self.path)
            return status

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's signature)
            log.debug("%s " + format, self.address_string(), *args)

    return Handler
