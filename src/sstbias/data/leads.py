"""Forecast lead times: which steps of which HYCOM forecast run make lead L of a valid day. The one owner of that
mapping (standard library only: the workflow uses it while it is parsed).

HYCOM GOFS 3.1 runs once a day from an analysis at :data:`ANALYSIS_HOUR` UTC and writes 3-hourly steps out to
:data:`RUN_HOURS` hours (tau 0, 3, ..., 180 hours after the analysis). **Lead L** of the run analysed on day D is
the UTC day D + L, reduced as the daily forecast reduces a day (:func:`sstbias.data.daily.reduce_daily`: the mean
of its 8 steps 00, 03, ..., 21 UTC, or the step at one hour). Its steps are taus 24 L - 12 + h for the hours h of
the day, so lead 1 is taus 12 .. 33 and lead 7 taus 156 .. 177. A run's taus before 0 do not exist: **lead 0**
keeps the meaning it has without leads, the analysis day itself from the best time series (the hindcast
files, whose steps of one day come from the analyses around it). The centre of valid day D + L (12 UTC) lies
exactly L days after the analysis, so the CF ``forecast_period`` of lead L is L days and its
``forecast_reference_time`` is D 12 UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

ANALYSIS_HOUR = 12  # UTC hour of every GOFS 3.1 forecast run's analysis
STEP_HOURS = 3  # hours between a run's output steps
RUN_HOURS = 180  # the last step of a run (tau, hours after the analysis)
DAY_HOURS = tuple(range(0, 24, STEP_HOURS))  # the UTC hours of a day's steps
BEST_SERIES_TAUS = tuple(range(0, 24, STEP_HOURS))  # the taus of each run the best time series (lead 0) takes


def lead_taus(lead: int, method: str = "mean", hour: int = 12) -> tuple[int, ...]:
    """The taus (hours after a run's analysis) whose steps make lead ``lead`` (days, >= 1) of a run, for the
    daily reduction ``method`` (``mean``: the 8 steps of the valid day; ``sample``: the step at ``hour`` UTC)."""
    if lead < 1:
        raise ValueError(f"lead {lead}: a forecast run's leads start at 1 (lead 0 is the best time series)")
    hours = DAY_HOURS if method == "mean" else (hour,)
    return tuple(24 * lead - ANALYSIS_HOUR + h for h in hours)


def best_series_steps(day: date, method: str = "mean", hour: int = 12) -> tuple[tuple[datetime, int], ...]:
    """The (analysis time, tau) of the steps that make lead 0 of UTC day ``day``: the best time series, whose
    steps before :data:`ANALYSIS_HOUR` UTC come from the previous day's run (taus 12 .. 21) and the others from
    the day's own run (taus 0 .. 9); for the daily reduction ``method`` (``mean``: all 8 hours, ``sample``:
    ``hour``)."""
    steps = []
    for h in DAY_HOURS if method == "mean" else (hour,):
        analysis = datetime.combine(day, time(ANALYSIS_HOUR)) - timedelta(days=int(h < ANALYSIS_HOUR))
        steps.append((analysis, (datetime.combine(day, time(h)) - analysis) // timedelta(hours=1)))
    return tuple(steps)


def max_lead(method: str = "mean", hour: int = 12, run_hours: int = RUN_HOURS) -> int:
    """The longest lead (days) whose steps a run of ``run_hours`` holds, for the daily reduction given."""
    lead = 0
    while max(lead_taus(lead + 1, method, hour)) <= run_hours:
        lead += 1
    return lead


def analysis_time(valid_day: date, lead: int) -> datetime:
    """The analysis time (UTC, naive) of the run whose lead ``lead`` is ``valid_day``: day - lead at 12 UTC."""
    return datetime.combine(valid_day - timedelta(days=lead), time(ANALYSIS_HOUR))


def valid_day(analysis: datetime, lead: int) -> date:
    """The valid UTC day of lead ``lead`` (days) of the run analysed at ``analysis``: its analysis day + lead."""
    return analysis.date() + timedelta(days=lead)


def run_analyses(days: Iterable[date], leads: Iterable[int]) -> list[datetime]:
    """The analysis times (UTC, naive, sorted) of the runs whose lead-L days are ``days``, for each L >= 1 of
    ``leads`` (lead 0, the best time series, needs no run)."""
    leads = [lead for lead in leads if lead]
    return sorted({analysis_time(day, lead) for day in days for lead in leads})


def lead_of(analysis: datetime, tau: int) -> tuple[date, int]:
    """The valid UTC day and the lead (days) of the step ``tau`` hours after ``analysis``: lead 0 for steps on
    the analysis day (taus below 12), which a forecast run's lead days leave out."""
    valid = analysis + timedelta(hours=tau)
    return valid.date(), (valid.date() - analysis.date()).days


def check_leads(leads: object, key: str, method: str = "mean", hour: int = 12) -> list[int]:
    """``leads`` as a sorted list of distinct integer days in 0 .. :func:`max_lead`; else a ValueError whose text
    starts with ``key``."""
    longest = max_lead(method, hour)
    if not isinstance(leads, Sequence) or isinstance(leads, str) or not leads:
        raise ValueError(f"{key}: must be a non-empty list of lead days, e.g. [0, 1, 2, 3, 5, 7]")
    if any(isinstance(lead, bool) or not isinstance(lead, int) for lead in leads):
        raise ValueError(f"{key}: leads are whole days (integers), got {list(leads)}")
    if len(set(leads)) != len(leads):
        raise ValueError(f"{key}: lead(s) listed twice: {sorted({n for n in leads if list(leads).count(n) > 1})}")
    beyond = [lead for lead in leads if not 0 <= lead <= longest]
    if beyond:
        raise ValueError(
            f"{key}: lead(s) {beyond} outside 0 .. {longest}: a GOFS 3.1 run reaches tau {RUN_HOURS} h, and lead "
            f"{longest + 1} would need taus up to {max(lead_taus(longest + 1, method, hour))} h"
        )
    return sorted(leads)
