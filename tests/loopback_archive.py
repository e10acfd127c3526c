"""The loopback servers' archive: a small config and the days its answers lack or name differently (shared by the
download tests and their fixtures in conftest.py)."""

from datetime import date
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]

SMALL_BOX = {"lat_min": 12.0, "lat_max": 12.96, "lon_min": 110.0, "lon_max": 110.96}
# days the ERDDAP aggregation lacks (as 2021-03-23 and 2021-09-07 really do), one in each month of the archive
ERDDAP_GAP, FEBRUARY_GAP = date(2021, 1, 13), date(2021, 2, 2)
PRELIMINARY_DAY = date(2021, 1, 31)  # a day NCEI only has under its _preliminary name


def small_config() -> dict:
    """The default config on a 1x1 degree box at 0.16 deg over 2021-01-01 .. 02-04, with the raw model only."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config.update(box=dict(SMALL_BOX), period={"start": "2021-01-01", "end": "2021-02-04"})
    config["grid"]["resolution"] = 0.16
    config["models"] = {"raw": {}}
    config["grids"] = {}
    return config
