"""Period arithmetic of the config's ``period`` mapping (inclusive ``start`` and ``end`` dates): its days, its
months and the days of one month inside it. Ground level: the config checks, the twin and the workflow all read
it, and it imports nothing from sstbias but the errors."""

from __future__ import annotations

import pandas as pd

from sstbias.errors import ConfigError


def period_days(period: dict) -> pd.DatetimeIndex:
    """Every day (00:00 UTC stamps) of the config's ``period`` mapping, inclusive; ConfigError on a bad period."""
    try:
        start = pd.Timestamp(period["start"])
        end = pd.Timestamp(period["end"])
    except (ValueError, TypeError) as err:
        raise ConfigError(f"period: not a valid date ({err})") from err
    if start > end:
        raise ConfigError(f"period: start {start.date()} is after end {end.date()}")
    return pd.date_range(start, end, freq="D")


def period_months(period: dict) -> list[str]:
    """The months ("YYYY-MM") that the config's ``period`` touches, in order (one raw file each)."""
    return sorted({day.strftime("%Y-%m") for day in period_days(period)})


def month_days(month: str, period: dict) -> pd.DatetimeIndex:
    """The days (00:00 stamps) of ``month`` ("YYYY-MM") inside the inclusive ``period``."""
    start = pd.Timestamp(f"{month}-01")
    days = pd.date_range(start, start + pd.offsets.MonthEnd(0), freq="D")
    return days[(days >= pd.Timestamp(period["start"])) & (days <= pd.Timestamp(period["end"]))]
