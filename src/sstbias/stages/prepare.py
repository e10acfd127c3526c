"""File-to-file steps of the workflow's preparation stage; each writes its outputs atomically.

The Snakemake scripts in ``workflow/scripts/`` only pass paths and parameters to these functions.
"""

from __future__ import annotations

import logging

import pandas as pd
import xarray as xr

from sstbias.data.align import align_products
from sstbias.data.normalise import fit_normaliser
from sstbias.data.split import chronological_split, load_split, save_split
from sstbias.netcdf import PathLike, open_field, write_dataset
from sstbias.period import period_days
from sstbias.provenance import recorded_settings

log = logging.getLogger("sstbias.stages")


def align(
    forecast: PathLike,
    observation: PathLike,
    out: PathLike,
    period: dict,
    missing_days: str,
    settings: dict | None = None,
) -> None:
    """Align the regridded products on the period's days and write them with the ocean mask, recording
    ``settings`` (what made it, :mod:`sstbias.provenance`)."""
    aligned = align_products(open_field(forecast), open_field(observation), period_days(period), missing_days)
    aligned.attrs.update(recorded_settings(settings))
    write_dataset(aligned, out, history="sstbias align")


def split(aligned: PathLike, json_path: PathLike, csv_path: PathLike, settings: dict) -> None:
    """Write the chronological split of the aligned days; ``settings``: the config's ``split`` section (the keyword
    arguments of :func:`~sstbias.data.split.chronological_split`)."""
    with xr.open_dataset(aligned) as ds:
        days = pd.DatetimeIndex(ds["time"].values)
    parts = chronological_split(days, **settings)
    for name, subset in parts.items():
        span = f"{subset[0].date()} .. {subset[-1].date()}" if len(subset) else "-"
        log.info("%-10s %3d days %s", name, len(subset), span)
    save_split(parts, json_path, csv_path)


def normalisation(aligned: PathLike, split_path: PathLike, out: PathLike, method: str, scope: str) -> None:
    """Write normalisation statistics computed from training days only."""
    data = xr.load_dataset(aligned)
    normaliser = fit_normaliser(data, load_split(split_path)["train"], method=method, scope=scope)
    log.info("normalisation %s/%s: %s", method, scope, normaliser.stats)
    normaliser.save(out)
