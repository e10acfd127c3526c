"""The corrector: a trained deep model folder, checked and loaded, applied to the days of raw HYCOM forecast files.

The files go through the workflow's own functions with the settings the model recorded (box, daily reduction,
bilinear regridding onto the model's analysis grid, training normalisation, ocean mask), so the corrected SST of
a day equals the workflow's prediction for that day. A corrector corrects one lead: the folder's own (a model per
lead), or one of the leads of a folder that takes the lead as an input (its lead channel set to that lead).
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

import sstbias
from sstbias.correct.days import listed, span, window_days
from sstbias.deep.folder import DESCRIPTION, sidecar
from sstbias.errors import InputDataError, ModelDirectoryError
from sstbias.plausible import check_corrected

log = logging.getLogger("sstbias.correct")

# degC by which a day's mean forecast (ocean cells) may leave the training range before a warning names the day
OUTSIDE_TRAINING_C = 2.0
# Regridding engines this process has already warmed up (ForecastCorrector._warm_up)
_WARMED_ENGINES: set[str] = set()


class ForecastCorrector:
    """A trained deep model folder, checked and loaded, ready to correct raw HYCOM forecast files.

    ``device``: auto (CUDA, then MPS, then CPU), cpu, cuda[:N] or mps; ``threads``: CPU threads of torch
    (None keeps torch's default); ``lead``: the lead (days) it corrects, required for a folder that takes the lead
    as an input (one of its leads), else None or the folder's own lead (ModelDirectoryError otherwise). Construction
    imports everything the correction needs (torch, the regridding engine), so the first correction pays no start-up
    cost; :meth:`for_lead` gives another lead's corrector without loading the network again.
    """

    def __init__(
        self, model_dir: str | os.PathLike, device: str = "auto", threads: int | None = None, lead: int | None = None
    ) -> None:
        from sstbias.deep.model_dir import read_model_dir
        from sstbias.deep.settings import check_device_name

        check_device_name(device, "--device")
        self.trained = read_model_dir(model_dir)  # checked again, with the weights, by open_trained below
        self.preparation = self.trained.preparation
        if self.preparation is None:
            raise ModelDirectoryError(
                f"{self.trained.folder}: trained outside the workflow ({DESCRIPTION} has no "
                "forecast_preparation), so how raw forecast files become its inputs is unknown"
            )
        self._choose_lead(lead)
        self._check_engine()
        self._warm_up()
        import torch

        from sstbias.deep.api import open_trained
        from sstbias.deep.device import select_device

        if threads is not None:
            torch.set_num_threads(threads)
        self.device = select_device(device, "--device")
        self.trained, self.network = open_trained(model_dir, self.device)
        leads = ", ".join(map(str, self.trained.leads))
        log.info(
            "%s from %s (trained on %s, input window %d days%s) on %s",
            self.trained.name,
            self.trained.folder,
            self.trained.period("train"),
            self.trained.window,
            f", the lead as an input: leads {leads}" if self.trained.lead_input else "",
            self.device,
        )
        if self.trained.description["sstbias_version"] != sstbias.__version__:
            log.info(
                "model folder written by sstbias %s, running %s (same format version)",
                self.trained.description["sstbias_version"],
                sstbias.__version__,
            )

    def _choose_lead(self, lead: int | None) -> None:
        """Make :attr:`preparation` read the forecasts of lead ``lead`` (days); ModelDirectoryError naming the folder
        and its leads when it does not correct that lead (or, taking the lead as an input, when ``lead`` is None)."""
        trained = self.trained
        if not trained.lead_input:
            if lead is not None and lead != self.preparation.lead:
                raise ModelDirectoryError(
                    f"{trained.folder}: a model of lead {self.preparation.lead}, it cannot correct lead {lead} (only "
                    "a model that takes the lead as an input corrects several leads)"
                )
            return
        leads = ", ".join(map(str, trained.leads))
        if lead is None:
            raise ModelDirectoryError(
                f"{trained.folder}: takes the forecast lead as an input (trained on leads {leads}); give the lead of "
                "the forecasts to correct (--lead L), or correct every lead of forecast runs (--runs)"
            )
        if lead not in trained.leads:
            raise ModelDirectoryError(
                f"{trained.folder}: takes the forecast lead as an input and was trained on leads {leads}; lead {lead} "
                "is not one of them"
            )
        self.preparation = replace(self.preparation, lead=lead)

    def for_lead(self, lead: int) -> ForecastCorrector:
        """The corrector of lead ``lead`` (days) of this folder, sharing its loaded network (checked once): one of
        the leads of a folder that takes the lead as an input, or a folder's own lead (ModelDirectoryError as the
        constructor's ``lead``)."""
        other = copy.copy(self)
        other._choose_lead(lead)
        return other

    def _check_engine(self) -> None:
        from sstbias.data.regrid import resolve_engine
        from sstbias.errors import ConfigError

        engine = self.preparation.regrid_engine
        try:
            resolve_engine(engine)
        except ConfigError as err:
            raise ModelDirectoryError(
                f"{self.trained.folder}: the model was trained on forecasts regridded with {engine}, which is not "
                f"usable here ({err}); install it (conda-forge esmpy and xesmf) to reproduce its inputs"
            ) from err

    def _warm_up(self) -> None:
        """Import now what reading and regridding import on first use (netCDF backends, the interpolators), by
        regridding one zero field on the recorded native grid: part of the start-up, not of the first correction.
        Once per regridding engine and process (the folders of a run's leads share it)."""
        import netCDF4  # noqa: F401

        from sstbias.data.regrid import regrid_bilinear

        if self.preparation.regrid_engine in _WARMED_ENGINES:
            return
        _WARMED_ENGINES.add(self.preparation.regrid_engine)
        xr.backends.list_engines()
        preparation = self.preparation
        coords = {
            "time": [np.datetime64("2000-01-01")],
            "lat": list(preparation.native_lat),
            "lon": list(preparation.native_lon),
        }
        shape = (1, len(preparation.native_lat), len(preparation.native_lon))
        field = xr.DataArray(np.zeros(shape, dtype="float32"), dims=("time", "lat", "lon"), coords=coords)
        regrid_bilinear(field, preparation.grid, engine=preparation.regrid_engine)

    def inputs(self, paths: Sequence[str | os.PathLike]) -> xr.Dataset:
        """The model's inputs from raw forecast files: daily ``forecast`` (time, lat, lon) degC on its analysis grid,
        NaN off its ``ocean_mask`` (lat, lon)."""
        from sstbias.data.regrid import regrid_bilinear

        daily = self.preparation.read_daily(paths)
        regridded = regrid_bilinear(daily, self.preparation.grid, engine=self.preparation.regrid_engine)
        mask = self.trained.ocean_mask.assign_coords(lat=regridded["lat"], lon=regridded["lon"])
        return xr.Dataset({"forecast": regridded.where(mask == 1), "ocean_mask": mask})

    def corrected_days(self, available: pd.DatetimeIndex, requested: pd.DatetimeIndex | None) -> pd.DatetimeIndex:
        """The days to correct among the forecast's ``available`` days (see the module docstring).

        InputDataError: too few days for one window, a requested day outside the files or without its window.
        """
        window = self.trained.window
        have = set(available)

        def missing_history(day: pd.Timestamp) -> list[pd.Timestamp]:
            return [earlier for earlier in window_days(day, window) if earlier not in have]

        if requested is None:
            complete = pd.DatetimeIndex([day for day in available if not missing_history(day)])
            if complete.empty:
                raise InputDataError(
                    f"too few forecast days: the model needs {window} consecutive days (its input window) to "
                    f"correct one day; the files give {len(available)} day(s) ({listed(available)})"
                )
            gaps = pd.DatetimeIndex([day for day in available[window - 1 :] if missing_history(day)])
            if len(gaps):
                log.warning("not corrected, their %d-day input window has a gap: %s", window, listed(gaps))
            return complete
        outside = requested.difference(available)
        if len(outside):
            raise InputDataError(
                f"requested days not in the forecast files: {listed(outside)} (files: {span(available)})"
            )
        for day in requested:
            absent = missing_history(day)
            if absent:
                raise InputDataError(
                    f"{day.date()}: its {window}-day input window needs the forecast of "
                    f"{listed(pd.DatetimeIndex(absent))}, absent from the files ({span(available)})"
                )
        return requested

    def _check_ocean_values(self, forecast: xr.DataArray, days: pd.DatetimeIndex) -> None:
        """InputDataError if a day of a window lacks a value on an ocean cell of the model (e.g. a gappy file)."""
        window = self.trained.window
        needed = pd.DatetimeIndex(sorted({earlier for day in days for earlier in window_days(day, window)}))
        ocean = self.trained.ocean_mask.values == 1
        values = forecast.sel(time=needed).values[:, ocean]
        holes = ~np.isfinite(values).all(axis=1)
        if holes.any():
            first = needed[holes][0]
            count = int((~np.isfinite(values[np.flatnonzero(holes)[0]])).sum())
            raise InputDataError(
                f"{forecast.attrs.get('source_files', 'forecast files')}: no forecast value at {count} of the "
                f"model's {int(ocean.sum())} ocean cells on {first.date()} (days with holes: "
                f"{listed(needed[holes])}); the model needs every ocean cell of its input window"
            )

    def training_range(self) -> tuple[float, float]:
        """The forecast values (degC) the model saw in training, from its normaliser: [min, max] for minmax, mean
        +- 3 standard deviations for zscore."""
        stats = self.trained.normaliser.stats["forecast"]
        if self.trained.normaliser.method == "minmax":
            return stats["offset"], stats["offset"] + stats["scale"]
        return stats["offset"] - 3 * stats["scale"], stats["offset"] + 3 * stats["scale"]

    def _warn_outside_training(self, forecast: xr.DataArray, days: pd.DatetimeIndex) -> None:
        """A warning naming the days whose mean forecast over the ocean cells lies more than
        :data:`OUTSIDE_TRAINING_C` outside :meth:`training_range`: their correction is an extrapolation."""
        low, high = self.training_range()
        ocean = self.trained.ocean_mask.values == 1
        means = np.nanmean(forecast.sel(time=days).values[:, ocean], axis=1)
        outside = days[(means < low - OUTSIDE_TRAINING_C) | (means > high + OUTSIDE_TRAINING_C)]
        if len(outside):
            log.warning(
                "the forecast of %d day(s) lies far outside the model's training range (%.2f..%.2f degC, daily ocean "
                "mean off by more than %g degC): %s; their correction is an extrapolation",
                len(outside),
                low,
                high,
                OUTSIDE_TRAINING_C,
                listed(outside),
            )

    def correct(self, paths: Sequence[str | os.PathLike], days: pd.DatetimeIndex | None = None) -> xr.DataArray:
        """Corrected SST (time, lat, lon) float32 degC of ``days`` (default: every day with a complete window)."""
        inputs = self.inputs(paths)
        available = pd.DatetimeIndex(inputs["time"].values)
        chosen = self.corrected_days(available, days)
        log.info("correcting %d days (%s) from %d forecast days", len(chosen), span(chosen), len(available))
        return self.predict(inputs, chosen)

    def predict(self, inputs: xr.Dataset, days: pd.DatetimeIndex) -> xr.DataArray:
        """Corrected SST (time, lat, lon) float32 degC of ``days`` from :meth:`inputs`, whose every day's window is
        in them; InputDataError when a window day lacks a value on an ocean cell, warnings for days far outside
        the training range or inside the training period."""
        from sstbias.deep.api import predict_days

        self._check_ocean_values(inputs["forecast"], days)
        self._warn_outside_training(inputs["forecast"], days)
        seen = days.intersection(self.trained.fitted_days())
        if len(seen):
            log.warning("%d corrected days lie in the model's training period: %s", len(seen), listed(seen))
        corrected = predict_days(self.network, self.trained, inputs, days, self.device, self.preparation.lead)
        check_corrected(corrected, f"model folder {self.trained.folder}", self.trained.ocean_mask.values == 1)
        corrected.attrs["cell_methods"] = "time: mean"
        corrected.attrs["comment"] = (
            f"estimate of the daily mean SST the model was trained to match (OISST v2.1 regridded); each day is "
            f"corrected from the daily forecasts of itself and the {self.trained.window - 1} days before it"
        )
        return corrected

    def provenance(self, paths: Sequence[str | os.PathLike]) -> dict[str, str | int]:
        """Global attributes naming the model, its configuration hash and training period, and the input files."""
        trained, preparation = self.trained, self.preparation
        weights_sidecar = sidecar(trained.weights)
        return {
            "title": f"Bias-corrected sea surface temperature: HYCOM forecast corrected by {trained.name}",
            "source": "HYCOM GOFS 3.1 forecast (water_temp, shallowest level) corrected by an sstbias deep model",
            "model": trained.name,
            "model_directory": str(trained.folder.resolve()),
            "model_config_hash": trained.description["config_hash"],
            "model_weights_sha256": weights_sidecar.read_text().strip() if weights_sidecar.exists() else "unknown",
            "model_format_version": trained.description["format_version"],
            "model_training_period": trained.period("train"),
            "model_validation_period": trained.period("validation"),
            "model_trained_with_sstbias": trained.description["sstbias_version"],
            "input_window_days": trained.window,
            "daily_reduction": preparation.describe_reduction(),
            "regridding": f"bilinear ({preparation.regrid_engine}) onto a {preparation.resolution} degree grid",
            "forecast_files": ", ".join(str(Path(path)) for path in paths),
        }
