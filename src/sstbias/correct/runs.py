"""Correcting forecast runs: one model folder per lead, every lead of each run in one field.

The workflow trains one model per lead (``results/<dataset>/lead_<L>/models/<model>/seed_<n>/``, the lead recorded
in its folder). :class:`RunCorrector` takes such folders of one network trained on one box, grid and daily
reduction, one per lead, and corrects forecast runs given as per-step files (``..._YYYYMMDD12_tXXX_...nc``,
:class:`sstbias.data.local_files.RunFiles`). The model of lead L corrects lead L of run A (its valid day A + L)
from the lead-L days of run A and of the runs before it, exactly as the workflow builds its lead-L inputs (docs/leads.md
"Models per lead"): every lead's corrector reads, reduces, regrids and predicts as for one lead
(:class:`sstbias.correct.corrector.ForecastCorrector`). A folder of a model that takes the lead as an input stands
for every lead it was trained on (its network loaded once, given each lead in turn), alone or beside folders of
other leads.

Which runs are corrected: every run of the files for which at least one lead can be corrected, i.e. the run has
the lead's steps and its lead-L input window (the model's ``input_window_days``: its ``sequence_length`` days and
the history days) is in the files; older runs serve as history only. ``runs`` (analysis days) picks runs instead.
Lead 0 is the best time series: the runs' taus 0 .. 21 h or, when files not named as a run's step are given (hindcast
files), those files alone (files the workflow's lead 0 reads too: ``RunFiles.best_series``).
A (run, lead) that cannot be corrected (missing taus, a lead beyond the run's length, an incomplete window) is NaN
in the output, named in one warning line per run; nothing correctable at all is an InputDataError.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pandas as pd
import xarray as xr

from sstbias.correct.corrector import ForecastCorrector
from sstbias.correct.days import listed, window_days
from sstbias.data.forecast_runs import FORECAST_PERIOD_ATTRS, LEAD_ATTRS, REFERENCE_TIME_ATTRS
from sstbias.data.leads import valid_day
from sstbias.data.local_files import RUN_NAME, RunFiles, run_label
from sstbias.errors import InputDataError, ModelDirectoryError

log = logging.getLogger("sstbias.correct")

# Provenance attributes given once per lead ("lead 1: ...; lead 2: ...") in a run correction's output.
PER_LEAD = ("model_directory", "model_config_hash", "model_weights_sha256", "model_training_period",
            "model_validation_period", "model_trained_with_sstbias", "input_window_days")  # fmt: skip
# How the comment of a run correction with a model that takes the lead as an input says which model corrects lead L.
LEAD_INPUT_NOTE = " (a model that takes the lead as an input: with its lead channel set to L)"


def folder_correctors(
    model_dir: str | os.PathLike, device: str = "auto", threads: int | None = None
) -> list[ForecastCorrector]:
    """A corrector of each lead the folder corrects: its own lead, or every lead of a model that takes the lead as
    an input (one loaded network shared by them). ``device`` and ``threads`` as :class:`ForecastCorrector`."""
    from sstbias.deep.model_dir import read_model_dir

    trained = read_model_dir(model_dir)
    leads = trained.leads if trained.lead_input else [None]
    first = ForecastCorrector(model_dir, device=device, threads=threads, lead=leads[0])
    return [first, *(first.for_lead(lead) for lead in leads[1:])]


def check_lead_models(correctors: Sequence[ForecastCorrector]) -> None:
    """ModelDirectoryError naming the folders unless ``correctors`` (one per lead: see :func:`folder_correctors`)
    are one network trained per lead, or on several leads as an input, on one box, analysis grid, native forecast
    grid and daily reduction: two folders of one lead, or folders that differ."""
    by_lead: dict[int, ForecastCorrector] = {}
    for corrector in correctors:
        lead = corrector.preparation.lead
        if lead in by_lead:
            both = (by_lead[lead], corrector)
            lead_inputs = {each.trained.folder: each.trained.leads for each in both if each.trained.lead_input}
            note = "".join(
                f"; {folder} takes the lead as an input (leads {', '.join(map(str, leads))})"
                for folder, leads in lead_inputs.items()
            )
            raise ModelDirectoryError(
                f"--model {by_lead[lead].trained.folder} and {corrector.trained.folder}: both correct lead {lead}"
                f"{note}; give one folder per lead"
            )
        by_lead[lead] = corrector
    first = correctors[0]
    for other in correctors[1:]:
        pair = f"--model {first.trained.folder} and {other.trained.folder}"
        differences = [
            what
            for what, mine, theirs in (
                ("network", first.trained.name, other.trained.name),
                ("box", first.preparation.box, other.preparation.box),
                ("analysis grid", first.trained.ocean_mask.shape, other.trained.ocean_mask.shape),
                ("grid resolution", first.preparation.resolution, other.preparation.resolution),
                (
                    "native forecast grid",
                    (first.preparation.native_lat, first.preparation.native_lon),
                    (other.preparation.native_lat, other.preparation.native_lon),
                ),
                ("daily reduction", first.preparation.describe_reduction(), other.preparation.describe_reduction()),
                ("regridding engine", first.preparation.regrid_engine, other.preparation.regrid_engine),
            )
            if mine != theirs
        ]
        if differences:
            raise ModelDirectoryError(
                f"{pair}: different {', '.join(differences)}; a run is corrected by one network trained per lead on "
                "the same box, grid and daily reduction"
            )


class RunCorrector:
    """Model folders of one network, one per lead (a folder that takes the lead as an input: one for each of its
    leads), checked and loaded, ready to correct forecast runs.

    ``device`` and ``threads`` as :class:`ForecastCorrector`. ModelDirectoryError as :func:`check_lead_models`.
    """

    def __init__(self, model_dirs: Sequence[str | os.PathLike], device: str = "auto", threads: int | None = None):
        correctors = [each for folder in model_dirs for each in folder_correctors(folder, device, threads)]
        check_lead_models(correctors)
        self.models = {corrector.preparation.lead: corrector for corrector in correctors}
        self.leads = sorted(self.models)
        self.folders = len(model_dirs)
        self.lead_input = any(corrector.trained.lead_input for corrector in correctors)
        preparation = correctors[0].preparation
        self.method, self.hour = preparation.daily_method, preparation.daily_hour

    def runs_of(self, paths: Sequence[str | os.PathLike]) -> RunFiles:
        """The files by forecast run, and the files named otherwise (``others``): the best time series, which lead
        0 reads instead of the runs' taus 0 .. 21 h. InputDataError naming such a file when no model corrects
        lead 0 (its run and tau, which the name does not give, would be needed)."""
        files = RunFiles.index(paths, key="forecast runs", error=InputDataError)
        if files.others and 0 not in self.models:
            raise InputDataError(
                f"{files.others[0]}: not named {RUN_NAME}, so its run and tau are unknown (correcting runs reads "
                "leads from 1 day from the runs' step files; files named otherwise are read only as the best time "
                "series of lead 0, which none of the models corrects)"
            )
        return files

    def _lead(
        self, lead: int, files: RunFiles, runs: list[datetime]
    ) -> tuple[xr.Dataset | None, dict[datetime, str | None]]:
        """The lead-``lead`` inputs of ``runs``' input windows: the lead-L days the files have among them (None when
        they have none), and for each of ``runs`` why its lead cannot be corrected (None when it can)."""
        corrector = self.models[lead]
        window = corrector.trained.window
        needed = {day for a in runs for day in window_days(pd.Timestamp(valid_day(a, lead)), window)}
        if lead == 0 and files.others:  # the best time series given as such (e.g. hindcast files)
            complete, why = list(files.others), dict.fromkeys(files.runs)
            source = " (the best time series: the files not named as a run's step)"
        else:
            complete, why = [], {}
            for analysis in files.runs:
                if pd.Timestamp(valid_day(analysis, lead)) not in needed:
                    continue  # no window of the runs to correct reads it
                steps, gap = files.lead_files(analysis, lead, self.method, self.hour)
                complete += steps
                why[analysis] = gap
            source = f" (from the runs analysed {lead} days before)" if lead else " (the best time series)"
        inputs = corrector.inputs(complete) if complete else None
        have = set() if inputs is None else set(pd.DatetimeIndex(inputs["time"].values))
        reasons = {}
        for analysis in runs:
            day = pd.Timestamp(valid_day(analysis, lead))
            absent = [earlier for earlier in window_days(day, window) if earlier not in have]
            if why[analysis] or not absent:
                reasons[analysis] = why[analysis]
                continue
            reasons[analysis] = (
                f"{run_label(analysis)}: lead {lead} (day {day.date()}): its {window}-day input "
                f"window needs the lead-{lead} forecasts of {listed(pd.DatetimeIndex(absent))}{source}, absent or "
                "incomplete in the files"
            )
        return inputs, reasons

    def correct(self, paths: Sequence[str | os.PathLike], runs: pd.DatetimeIndex | None = None) -> xr.DataArray:
        """Corrected SST (forecast_reference_time, lead, lat, lon) float32 degC of the forecast runs in ``paths``
        (default: every run with a correctable lead; ``runs``: the runs analysed on those days), NaN where a lead of
        a run cannot be corrected. Coordinates ``lead`` (days), ``forecast_period`` (along lead),
        ``forecast_reference_time`` (the analyses, 12 UTC) and ``time`` (forecast_reference_time, lead: the valid
        UTC day, 00:00).

        InputDataError: a requested run not in the files, no lead of any chosen run correctable, and the
        per-lead errors of :meth:`ForecastCorrector.predict`.
        """
        files = self.runs_of(paths)
        if not files.runs:
            raise InputDataError("forecast runs: no files")
        candidates = list(files.runs)
        if runs is not None:
            by_day = {analysis.date(): analysis for analysis in candidates}
            outside = [day for day in runs if day.date() not in by_day]
            if outside:
                raise InputDataError(
                    f"requested runs not in the forecast files: {listed(pd.DatetimeIndex(outside))} (runs in the "
                    f"files: analysed {listed(pd.DatetimeIndex([a.date() for a in candidates]))})"
                )
            candidates = [by_day[day.date()] for day in runs]
        lead_inputs, reasons = {}, {}
        for lead in self.leads:
            lead_inputs[lead], reasons[lead] = self._lead(lead, files, candidates)
        chosen = [a for a in candidates if runs is not None or any(reasons[L][a] is None for L in self.leads)]
        if not any(reasons[lead][a] is None for lead in self.leads for a in chosen):
            newest = max(candidates)
            raise InputDataError(
                f"no lead ({', '.join(map(str, self.leads))}) of the run(s) analysed "
                f"{listed(pd.DatetimeIndex([a.date() for a in candidates]))} can be corrected; "
                + "; ".join(reasons[lead][newest] for lead in self.leads)
            )
        history = [a for a in candidates if a not in chosen]
        if history:
            log.info("history only (no lead's input window complete): runs analysed %s", listed(_days(history)))
        for analysis in chosen:
            missing = [reasons[lead][analysis] for lead in self.leads if reasons[lead][analysis]]
            if missing:
                leads = [lead for lead in self.leads if reasons[lead][analysis]]
                log.warning(
                    "%s: lead(s) %s not corrected (NaN in the output): %s",
                    run_label(analysis),
                    ", ".join(map(str, leads)),
                    "; ".join(missing),
                )
        return self._assemble(chosen, lead_inputs, reasons)

    def _assemble(
        self, runs: list[datetime], lead_inputs: dict[int, xr.Dataset | None], reasons: dict[int, dict]
    ) -> xr.DataArray:
        """The corrected leads of ``runs`` in one (forecast_reference_time, lead, lat, lon) field."""
        reference = pd.DatetimeIndex(runs).as_unit("ns")
        valid = np.array([[np.datetime64(valid_day(a, lead), "ns") for lead in self.leads] for a in runs])
        grid = None  # the corrected fields' lat and lon
        values = None
        for j, lead in enumerate(self.leads):
            done = [a for a in runs if reasons[lead][a] is None]
            if not done:
                continue
            days = pd.DatetimeIndex([valid_day(a, lead) for a in done])
            log.info("lead %d: correcting runs analysed %s", lead, listed(_days(done)))
            corrected = self.models[lead].predict(lead_inputs[lead], days)
            if grid is None:
                grid = corrected
                values = np.full((len(runs), len(self.leads), *corrected.shape[1:]), np.nan, dtype="float32")
            for analysis, field in zip(done, corrected.values, strict=True):
                values[runs.index(analysis), j] = field
        window = {self.models[lead].trained.window for lead in self.leads}
        attrs = {**grid.attrs, "comment": (
            "estimate of the daily mean SST the model was trained to match (OISST v2.1 regridded); lead L of each "
            f"run is corrected by the model of lead L{LEAD_INPUT_NOTE if self.lead_input else ''} from the lead-L "
            "daily forecasts of its valid day and of the "
            f"{'/'.join(str(w - 1) for w in sorted(window))} days before it (from the runs before); NaN where the "
            "run's lead could not be corrected"
        )}  # fmt: skip
        return xr.DataArray(
            values,
            dims=("forecast_reference_time", "lead", "lat", "lon"),
            coords={
                "forecast_reference_time": ("forecast_reference_time", reference, REFERENCE_TIME_ATTRS),
                "lead": ("lead", self.leads, LEAD_ATTRS),
                "forecast_period": (
                    "lead",
                    np.array(self.leads, "timedelta64[D]").astype("timedelta64[ns]"),
                    FORECAST_PERIOD_ATTRS,
                ),
                "time": (("forecast_reference_time", "lead"), valid),
                "lat": ("lat", grid["lat"].values, grid["lat"].attrs),
                "lon": ("lon", grid["lon"].values, grid["lon"].attrs),
            },
            attrs=attrs,
        )

    def provenance(self, paths: Sequence[str | os.PathLike]) -> dict[str, str | int]:
        """Global attributes naming every model folder with its lead (a folder that takes the lead as an input once
        per lead), the shared settings and the input files."""
        given = {lead: self.models[lead].provenance(paths) for lead in self.leads}
        first = given[self.leads[0]]
        merged = dict(first)
        for key in first:  # a value that differs between the leads (e.g. the format version) is given per lead too
            if key in PER_LEAD or any(given[lead][key] != first[key] for lead in self.leads):
                merged[key] = "; ".join(f"lead {lead}: {given[lead][key]}" for lead in self.leads)
        if not self.lead_input:
            models = "one model per lead"
        elif self.folders == 1:
            models = "one model that takes the lead as an input"
        else:
            models = "one model per lead or, taking the lead as an input, per set of leads"
        merged["title"] = (
            f"Bias-corrected sea surface temperature: HYCOM forecast runs corrected by {first['model']}, {models} "
            f"(leads {', '.join(map(str, self.leads))} days)"
        )
        merged["leads"] = ", ".join(map(str, self.leads))
        return merged


def _days(analyses: Sequence[datetime]) -> pd.DatetimeIndex:
    return pd.DatetimeIndex([a.date() for a in analyses])
