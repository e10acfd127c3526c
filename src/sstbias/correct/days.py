"""Days of ``sstbias correct``: the ``--days`` argument, a day's input window, and how days are named in messages."""

from __future__ import annotations

import pandas as pd

MAX_LISTED = 8  # days named in one message before "... (N days)"


def listed(days: pd.DatetimeIndex) -> str:
    """Up to :data:`MAX_LISTED` of ``days`` as YYYY-MM-DD, then their count."""
    shown = ", ".join(str(day.date()) for day in days[:MAX_LISTED])
    return shown + (f" ... ({len(days)} days)" if len(days) > MAX_LISTED else "")


def span(days: pd.DatetimeIndex) -> str:
    """``first..last`` of ``days``, or ``none``."""
    return f"{days[0].date()}..{days[-1].date()}" if len(days) else "none"


def window_days(day: pd.Timestamp, length: int) -> list[pd.Timestamp]:
    """The ``length`` days of the input window of ``day``, oldest first, ending with ``day``."""
    return [day - pd.Timedelta(days=k) for k in range(length - 1, -1, -1)]


def parse_days(text: str) -> pd.DatetimeIndex:
    """Days from ``YYYY-MM-DD``, ``YYYY-MM-DD..YYYY-MM-DD`` (inclusive range) or a comma-separated list of both."""
    days: list[pd.Timestamp] = []
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        first, _, last = part.partition("..")
        try:
            start = pd.Timestamp(first)
            end = pd.Timestamp(last) if last else start
        except ValueError as err:
            raise ValueError(f"{part!r}: not a day YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD") from err
        if not all(pd.Timestamp.min <= day <= pd.Timestamp.max for day in (start, end)):
            limits = f"{pd.Timestamp.min.date()}..{pd.Timestamp.max.date()}"
            raise ValueError(f"{part!r}: outside the days sstbias can represent ({limits})")
        if end < start:
            raise ValueError(f"{part!r}: the range ends before it starts")
        days += list(pd.date_range(start.normalize(), end.normalize(), freq="D"))
    if not days:
        raise ValueError(f"{text!r}: no day given")
    return pd.DatetimeIndex(sorted(set(days)))
