"""Forecast lead times: the one mapping of a run's steps to lead days (sstbias.data.leads)."""

from datetime import date, datetime

import pytest

from sstbias.data.leads import (
    BEST_SERIES_TAUS,
    RUN_HOURS,
    analysis_time,
    best_series_steps,
    check_leads,
    lead_of,
    lead_taus,
    max_lead,
)


def test_lead_days_are_the_valid_days_steps():
    assert lead_taus(1) == (12, 15, 18, 21, 24, 27, 30, 33)
    assert lead_taus(7) == tuple(range(156, 178, 3))
    assert lead_taus(3, "sample", 12) == (72,)
    with pytest.raises(ValueError, match="lead 0 is the best time series"):
        lead_taus(0)


def test_every_step_of_a_lead_day_maps_back_to_it():
    analysis = datetime(2021, 10, 17, 12)
    for lead in range(1, max_lead() + 1):
        assert {lead_of(analysis, tau) for tau in lead_taus(lead)} == {(date(2021, 10, 17 + lead), lead)}
    assert lead_of(analysis, 9) == (date(2021, 10, 17), 0)
    assert analysis_time(date(2021, 10, 24), 7) == analysis


def test_longest_lead_fits_the_run():
    assert max_lead() == 7 and max(lead_taus(7)) <= RUN_HOURS < max(lead_taus(8))
    assert max_lead("sample", 0) == 8 and max_lead("sample", 21) == 7


@pytest.mark.parametrize(
    ("leads", "message"),
    [
        ([0, 8], r"^forecast\.leads: lead\(s\) \[8\] outside 0 \.\. 7"),
        ([1, 1], r"^forecast\.leads: lead\(s\) listed twice: \[1\]"),
        ([1.5], r"^forecast\.leads: leads are whole days"),
        ([True], r"^forecast\.leads: leads are whole days"),
        ([], r"^forecast\.leads: must be a non-empty list"),
        ("0", r"^forecast\.leads: must be a non-empty list"),
    ],
)
def test_bad_leads_name_the_key(leads, message):
    with pytest.raises(ValueError, match=message):
        check_leads(leads, "forecast.leads")


def test_leads_come_back_sorted():
    assert check_leads([7, 0, 3], "forecast.leads") == [0, 3, 7]


def test_lead_zero_is_the_best_time_series():
    steps = best_series_steps(date(2021, 10, 17))
    previous, own = datetime(2021, 10, 16, 12), datetime(2021, 10, 17, 12)
    assert steps == tuple((previous, tau) for tau in (12, 15, 18, 21)) + tuple((own, tau) for tau in (0, 3, 6, 9))
    assert {tau for _, tau in steps} == set(BEST_SERIES_TAUS)
    assert best_series_steps(date(2021, 10, 17), "sample", 12) == ((own, 0),)
    assert best_series_steps(date(2021, 10, 17), "sample", 3) == ((previous, 15),)
