"""Downloads (source: remote) from a loopback server answering in the genuine formats: speed and memory.

    python benchmarks/download.py [--cores 2] [--smoke]

``--smoke``: 6 days (one run) on a 1-degree box and one 1 MB payload, a check that the benchmark runs
(tests/test_benchmarks.py); its figures mean nothing.

1. Wall time of downloading a month of both products through the workflow (31 HYCOM days, one ERDDAP month and
   the NCEI file of the day ERDDAP lacks), paper box, from an empty raw folder (target < 60 s), and the
   same for 7 and 14 days beside it, with the peak RSS of the run's largest process (Snakemake or a download job,
   from the kernel's accounting; target: flat with the number of chunks). Snakemake's benchmark files are no
   measure here: they sample a job's memory too late for jobs of a fraction of a second.
2. Peak RSS of one download against the payload's size (4 to 256 MB; target: flat, the body streams to disk).

Runs in a temporary copy of the repository. The server runs in this process; its answers are written on the
fly (netCDF encoding included in the times, as a real server's subsetting would be).
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sstbias.testing.formats import write_erddap_oisst
from sstbias.testing.server import Archive, LoopbackServer

REPO = Path(__file__).resolve().parents[1]
TARGET_MONTH_S = 60.0
PAYLOAD_MB = (4, 32, 256)
RUN_DAYS = (7, 14, 31)
SMOKE_DAYS = 6  # the fewest days the default split and lags accept
SMOKE_BOX = {"lat_min": 12.0, "lat_max": 13.04, "lon_min": 110.0, "lon_max": 111.04}  # 13 x 13 cells at 0.08 deg


def base_config(smoke: bool) -> dict:
    """The default config (paper box), or with the smoke test's 1-degree box."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    if smoke:
        config["box"] = SMOKE_BOX
    return config


def month_config(server: LoopbackServer, days: int, smoke: bool) -> dict:
    """The default config (paper box) on the first ``days`` of January 2021, downloading from ``server``."""
    config = base_config(smoke)
    config.update(
        dataset=f"bench_{days}",
        source="remote",
        period={"start": "2021-01-01", "end": f"2021-01-{days:02d}"},
        models={"raw": {}},
        grids={},
    )
    addresses = server.remote_config()
    config["remote"] = {
        "contact": "benchmark",
        "retries": 1,
        "backoff_s": 0.1,
        "hycom": addresses["hycom"],
        "oisst": addresses["oisst"],
    }
    return config


def download_run(workdir: Path, server: LoopbackServer, days: int, cores: str, smoke: bool) -> dict:
    """Wall time, chunks and the largest process's peak RSS of the download rules for ``days`` days from an empty
    raw folder."""
    config = month_config(server, days, smoke)
    name = f"bench_{days}.yaml"
    (workdir / name).write_text(yaml.safe_dump(config))
    command = [sys.executable, "-m", "snakemake", "raw_data", "--cores", cores, "--configfile", name]
    log = workdir / f"bench_{days}.log"
    start = time.perf_counter()
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=workdir, stdout=output, stderr=subprocess.STDOUT)
        # wait4's ru_maxrss (KiB) is the largest of the process and of every descendant it waited for
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"snakemake failed for {days} days: {log.read_text()[-2000:]}")
    raw = list((workdir / "results" / config["dataset"] / "raw").rglob("*.nc"))
    return {
        "days": days,
        "chunks": len(raw),
        "MB": sum(path.stat().st_size for path in raw) / 1e6,
        "s": seconds,
        "rss_mib": usage.ru_maxrss / 1024,
    }


class _QuietFileHandler(SimpleHTTPRequestHandler):
    """Serves the folder's files without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's signature)
        pass


def payload_peak_rss(folder: Path, size_mb: int) -> tuple[float, float]:
    """(actual payload MB, peak RSS MiB) of a process downloading an ERDDAP-layout file of about ``size_mb``."""
    lat = np.round(-59.875 + 0.25 * np.arange(480), 3)
    lon = np.round(0.125 + 0.25 * np.arange(1440), 3)
    n_days = max(1, round(size_mb * 1e6 / (lat.size * lon.size * 4)))
    days = pd.date_range("2021-01-01", periods=n_days, freq="D")
    rng = np.random.default_rng(0)
    sst = 27.0 + rng.standard_normal((n_days, lat.size, lon.size), dtype="float32")
    path = folder / f"payload_{size_mb}.nc"
    write_erddap_oisst(path, days, lat, lon, sst)
    del sst
    handler = functools.partial(_QuietFileHandler, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/{path.name}"
    script = textwrap.dedent(
        f"""
        import re
        from datetime import date
        from pathlib import Path
        from sstbias.box import Box
        from sstbias.data.download.http import HttpSettings, download
        from sstbias.data.download.oisst import check_days
        days, box = [date(2021, 1, 1)], Box(10, 20, 100, 120)
        settings = HttpSettings(60, 0, 1, 1, "sstbias-benchmark", progress=False)
        download({url!r}, {str(folder / "copy.nc")!r}, settings, lambda p: check_days(p, days, box, True))
        # VmHWM: this process's own peak (ru_maxrss would also count the parent's memory at fork time)
        print(int(re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text())[1]) / 1024)
        """
    )
    try:
        run = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    finally:
        httpd.shutdown()
        httpd.server_close()
    size = path.stat().st_size / 1e6
    path.unlink()
    (folder / "copy.nc").unlink()
    return size, float(run.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", default="2")
    parser.add_argument("--smoke", action="store_true", help="tiny size: checks that the benchmark runs")
    args = parser.parse_args()
    run_days, payload_mb = ((SMOKE_DAYS,), (1,)) if args.smoke else (RUN_DAYS, PAYLOAD_MB)
    os.environ.update(no_proxy="127.0.0.1,localhost", NO_PROXY="127.0.0.1,localhost")  # loopback only
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp) / "repo"
        workdir.mkdir()
        for name in ("Snakefile", "workflow", "config", "src", "envs"):
            source = REPO / name
            (shutil.copytree if source.is_dir() else shutil.copy)(source, workdir / name)
        start = time.perf_counter()
        config = base_config(args.smoke)
        config["period"] = {"start": "2021-01-01", "end": f"2021-01-{max(run_days):02d}"}
        archive = Archive.from_twin(
            config, Path(tmp) / "archive", erddap_gaps={date(2021, 1, SMOKE_DAYS if args.smoke else 13)}
        )
        print(f"archive (twin January, paper box) prepared in {time.perf_counter() - start:.1f} s (not counted)")
        with LoopbackServer(archive) as server:
            runs = [download_run(workdir, server, days, args.cores, args.smoke) for days in run_days]
        payloads = [payload_peak_rss(Path(tmp), size) for size in payload_mb]
    print(f"\n1. Downloads through the workflow (--cores {args.cores}, loopback server, from an empty raw folder)")
    print(f"{'days':>5}{'chunks':>8}{'MB':>8}{'wall s':>9}{'largest process RSS MiB':>25}")
    for run in runs:
        print(f"{run['days']:>5}{run['chunks']:>8}{run['MB']:>8.2f}{run['s']:>9.1f}{run['rss_mib']:>25.0f}")
    month = runs[-1]
    ratio = month["s"] / TARGET_MONTH_S
    print(f"a month of both products: {month['s']:.1f} s against the target {TARGET_MONTH_S:.0f} s ({ratio:.2f})")
    ratio_rss = month["rss_mib"] / runs[0]["rss_mib"]
    print(f"largest process RSS, {month['days']} days / {runs[0]['days']} days: {ratio_rss:.2f} (flat = 1)")
    print("\n2. One download against the payload size (streamed to disk, validated one time step at a time)")
    print(f"{'payload MB':>11}{'peak RSS MiB':>14}")
    for size, rss in payloads:
        print(f"{size:>11.1f}{rss:>14.0f}")
    (small, small_rss), (large, large_rss) = payloads[0], payloads[-1]
    print(f"peak RSS, {large:.0f} MB / {small:.0f} MB payload: {large_rss / small_rss:.2f} (flat = 1)")


if __name__ == "__main__":
    main()
