"""Writing corrected-SST prediction files (shared by every model family)."""

from __future__ import annotations

import xarray as xr

from sstbias.netcdf import write_dataset
from sstbias.plausible import check_corrected
from sstbias.stages.common import PREDICTION, PathLike


def write_prediction(corrected: xr.DataArray, out: PathLike, model: str, note: str = "") -> None:
    """Write ``corrected`` (time, lat, lon) degC as variable ``sst_corrected`` with CF attributes and provenance.

    A ``note`` (what the model did that a reader of its scores must know, e.g. the climatology's fallback) becomes
    the variable's ``comment``; evaluation carries it into the metrics and the tables' notes.

    An impossible field (non-finite at a cell that holds a value on another day, no value at all, or outside the
    physical SST range) fails naming ``out`` (the run's prediction file) and writes nothing.
    """
    check_corrected(corrected, f"{out} (model {model})")
    corrected = corrected.astype("float32")
    corrected.attrs.update(
        units="degC", standard_name="sea_surface_temperature", long_name=f"bias-corrected SST ({model})"
    )
    if note:
        corrected.attrs["comment"] = note
    ds = corrected.to_dataset(name=PREDICTION)
    ds.attrs.update(title=f"sstbias corrected SST, model {model}, test period", model=model)
    write_dataset(ds, out, history=f"sstbias predict {model}")
