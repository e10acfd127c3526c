"""A trained deep model folder that describes itself, and the checks made when it is loaded.

``model_config.json`` (format :data:`FORMAT_VERSION`) holds everything needed to apply the model to new raw
forecast files, so ``sstbias correct`` needs nothing else than the folder:

- ``model``, ``settings`` (network, input window ``sequence_length``, static and daily input channels, target
  and its base ``residual_over``, land handling, training plan), ``in_channels``, ``input_window_days``;
- ``climatology``: null, or the file (``climatology.nc``, the per-cell climatology fitted on the training
  days, for ``residual_over: climatology`` or the ``climatology`` channel) and its sha256; the file must be
  that name inside the folder (no other path is ever read);
- ``normaliser``: the normalisation statistics (degC) fitted on the training days;
- ``lat``, ``lon`` (the analysis grid, ascending, degrees) and ``ocean_mask``: one string of ``0``/``1`` per
  latitude row (south to north, west to east; 1 = ocean cell the model was trained on);
- ``forecast_preparation``: the box, daily reduction, regridding and native forecast grid
  (:class:`sstbias.data.forecast.ForecastPreparation`), or null for a model trained outside the workflow;
- ``lead_input`` (format 4 only): ``{"leads": [...], "scale_days": ...}`` for a model that takes the forecast lead
  as an input channel (:mod:`sstbias.deep.channels`), trained on those leads; its ``forecast_preparation`` then
  records no lead and the folder corrects each of them. A model of one lead is written in format 3, as before;
- ``train_days``, ``validation_days`` ([first, last]), ``sstbias_version``, ``format_version`` and
  ``config_hash``: sha256 of the rest of the file (a hand edit is detected on load).

The weights are in ``best.pt`` (best validation RMSE) with a ``best.pt.sha256`` sidecar. No file of a folder is
unpickled (weights: ``torch.load(weights_only=True)``; the climatology: netCDF), so a folder from someone else
cannot run code; it can only be refused.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

import sstbias
from sstbias.data.forecast import ForecastPreparation
from sstbias.data.normalise import Normaliser
from sstbias.deep.channels import LEAD_SCALE_DAYS
from sstbias.deep.folder import CLIMATOLOGY, DESCRIPTION, ModelFolder
from sstbias.deep.settings import DeepSettings, deep_settings
from sstbias.errors import ConfigError, InputDataError, ModelDirectoryError
from sstbias.experiments import catalog
from sstbias.netcdf import atomic_write

# 2: input channels (position, day of year, climatology), residual_over, land handling and the climatology file.
# 3: the climatology as netCDF (climatology.nc) instead of a pickle (climatology.joblib); history channels
# (input_window_days beyond sequence_length), precision, implementation and the weight average in the settings.
# 4: format 3 with the entry lead_input (a model that takes the lead as an input); every other folder is written
# in format 3, so it stays readable by the versions before.
FORMAT_VERSION = 3
LEAD_INPUT_FORMAT_VERSION = 4
READABLE_FORMATS = (FORMAT_VERSION, LEAD_INPUT_FORMAT_VERSION)
REQUIRED_KEYS = (
    "format_version",
    "model",
    "settings",
    "in_channels",
    "input_window_days",
    "normaliser",
    "train_days",
    "validation_days",
    "lat",
    "lon",
    "ocean_mask",
    "forecast_preparation",
    "climatology",
    "sstbias_version",
    "config_hash",
)


def _first_last(days: pd.DatetimeIndex) -> list[str]:
    return [str(days[0].date()), str(days[-1].date())] if len(days) else []


def config_hash(description: dict) -> str:
    """sha256 of ``description`` without its ``config_hash`` entry, as canonical JSON."""
    content = {key: value for key, value in description.items() if key != "config_hash"}
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def mask_rows(mask: np.ndarray) -> list[str]:
    """An (H, W) 0/1 mask as H strings of W characters ``0``/``1``."""
    return ["".join("1" if value else "0" for value in row) for row in np.asarray(mask)]


def mask_from_rows(rows: list[str]) -> np.ndarray:
    """Inverse of :func:`mask_rows`: an (H, W) int8 array."""
    return np.array([[int(char) for char in row] for row in rows], dtype="int8")


def describe(
    name: str,
    settings: DeepSettings,
    in_channels: int,
    normaliser: Normaliser,
    split: dict[str, pd.DatetimeIndex],
    data: xr.Dataset,
    preparation: ForecastPreparation | None,
    climatology: dict | None = None,
    leads: list[int] | None = None,
) -> dict:
    """The ``model_config.json`` content of a model trained on the aligned ``data`` with ``split``; ``leads``:
    the leads (days) a model that takes the lead as an input was trained on (None: no lead input)."""
    description = {
        "format_version": FORMAT_VERSION if leads is None else LEAD_INPUT_FORMAT_VERSION,
        "model": name,
        "settings": settings.to_dict(),
        "in_channels": in_channels,
        "input_window_days": settings.input_window_days,
        "normaliser": normaliser.__dict__,
        "train_days": _first_last(split["train"]),
        "validation_days": _first_last(split["validation"]),
        "lat": data["lat"].values.tolist(),
        "lon": data["lon"].values.tolist(),
        "ocean_mask": mask_rows(data["ocean_mask"].values == 1),
        "forecast_preparation": preparation.to_dict() if preparation is not None else None,
        "climatology": climatology,
        "sstbias_version": sstbias.__version__,
    }
    if leads is not None:
        description["lead_input"] = {"leads": [int(lead) for lead in leads], "scale_days": LEAD_SCALE_DAYS}
    description["config_hash"] = config_hash(description)
    return description


def write_description(out_dir: str | os.PathLike, description: dict) -> Path:
    """Write ``model_config.json`` into ``out_dir`` atomically."""
    text = json.dumps(description, indent=1) + "\n"
    return atomic_write(ModelFolder(out_dir).description, lambda tmp: tmp.write_text(text))


def file_sha256(path: Path) -> str:
    """Hex sha256 of the file at ``path``."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_climatology(out_dir: str | os.PathLike, climatology) -> dict:
    """Write the fitted climatology into ``out_dir`` atomically; its ``climatology`` description entry."""
    path = ModelFolder(out_dir).climatology
    path.parent.mkdir(parents=True, exist_ok=True)
    climatology.save(path)
    return {"file": path.name, "sha256": file_sha256(path)}


@dataclass(frozen=True)
class TrainedModel:
    """The checked description of a trained model folder (``folder``/model_config.json)."""

    folder: Path
    description: dict

    @property
    def name(self) -> str:
        """Network name (a key of :data:`sstbias.experiments.catalog.DEEP_MODELS`)."""
        return self.description["model"]

    @property
    def settings(self) -> DeepSettings:
        """The model's settings, as recorded."""
        return deep_settings(self.name, self.description["settings"])

    @property
    def window(self) -> int:
        """Days of forecast a prediction reads: the target day, the L-1 days before it and the longest history."""
        return int(self.description["input_window_days"])

    @property
    def normaliser(self) -> Normaliser:
        """Normalisation fitted on the training days."""
        return Normaliser(**self.description["normaliser"])

    @property
    def ocean_mask(self) -> xr.DataArray:
        """(lat, lon) int8, 1 on the ocean cells the model was trained on."""
        return xr.DataArray(
            mask_from_rows(self.description["ocean_mask"]),
            dims=("lat", "lon"),
            coords={"lat": self.description["lat"], "lon": self.description["lon"]},
            attrs={"long_name": "ocean cells of the trained model", "flag_values": "0 1"},
        )

    @property
    def preparation(self) -> ForecastPreparation | None:
        """How raw forecast files become the model's inputs (None: trained outside the workflow)."""
        entry = self.description["forecast_preparation"]
        return ForecastPreparation.from_dict(entry) if entry is not None else None

    @property
    def leads(self) -> list[int]:
        """The leads (days) the model corrects: those of its lead input, else its preparation's one lead (0 for a
        model trained outside the workflow)."""
        if "lead_input" in self.description:
            return list(self.description["lead_input"]["leads"])
        preparation = self.preparation
        return [preparation.lead if preparation is not None else 0]

    @property
    def lead_input(self) -> bool:
        """Whether the model takes the forecast lead as an input channel (one model for several leads)."""
        return "lead_input" in self.description

    def climatology(self):
        """The climatology the model was trained with (None if it uses none); ModelDirectoryError if absent or
        not the recorded file."""
        entry = self.description["climatology"]
        if entry is None:
            return None
        from sstbias.baselines.climatology import Climatology

        path = ModelFolder(self.folder).climatology  # the only name read_model_dir accepts: never a path outside
        if not path.is_file():
            raise ModelDirectoryError(f"{path}: climatology file not found (the model was trained with it)")
        if file_sha256(path) != entry["sha256"]:
            raise ModelDirectoryError(f"{path}: not the climatology the model was trained with (sha256 differs)")
        try:
            return Climatology.load(path)
        except InputDataError as err:
            raise ModelDirectoryError(str(err)) from err

    @property
    def weights(self) -> Path:
        """The best-on-validation weights."""
        return ModelFolder(self.folder).best

    def fitted_days(self) -> pd.DatetimeIndex:
        """Every day from the first training day to the last validation (or training) day."""
        first_last = self.description["train_days"] + self.description["validation_days"]
        return pd.date_range(first_last[0], first_last[-1], freq="D")

    def period(self, subset: str) -> str:
        """``first/last`` (ISO 8601 interval) of the ``train`` or ``validation`` days."""
        return "/".join(self.description[f"{subset}_days"])


def read_model_dir(folder: str | os.PathLike) -> TrainedModel:
    """The description of the trained model in ``folder``, checked for this sstbias.

    Raises ModelDirectoryError naming the folder and what differs: not a folder, no model_config.json (or a
    baseline model), unreadable JSON, a format version other than :data:`FORMAT_VERSION` (with the writing
    sstbias version), missing entries, a description modified after training, an unknown network, a grid and
    mask that disagree.
    """
    folder = Path(folder)
    path = ModelFolder(folder).description
    if not folder.is_dir():
        raise ModelDirectoryError(f"{folder}: no such model folder")
    if not path.is_file():
        hint = ""
        baseline = next((name for name in ("model.nc", "model.joblib") if (folder / name).exists()), None)
        if baseline is not None:
            hint = f" (it holds a baseline {baseline}: only the deep models can be applied to new forecast files)"
        raise ModelDirectoryError(f"{folder}: not a trained deep model folder, no {DESCRIPTION}{hint}")
    try:
        description = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise ModelDirectoryError(f"{path}: unreadable ({err})") from err
    if not isinstance(description, dict):
        raise ModelDirectoryError(f"{path}: not a model description (a JSON object is expected)")
    _check_format(path, description)
    _check_content(path, description)
    return TrainedModel(folder, description)


def _check_format(path: Path, description: dict) -> None:
    written_by = description.get("sstbias_version", "an unknown version")
    found = description.get("format_version")
    if found not in READABLE_FORMATS:
        shown = "no format_version (written before format 1)" if found is None else f"format_version {found!r}"
        missing = [key for key in REQUIRED_KEYS if key not in description]
        listing = f"; missing entries: {', '.join(missing)}" if missing else ""
        raise ModelDirectoryError(
            f"{path}: incompatible model folder: {shown}, written by sstbias {written_by}; this sstbias "
            f"{sstbias.__version__} reads format_version {FORMAT_VERSION} (and {LEAD_INPUT_FORMAT_VERSION} for a "
            f"model that takes the lead as an input){listing} (format 2 records the input "
            "channels, residual_over, land handling and climatology: a folder written before them cannot be "
            "corrected with consistent inputs; format 3 stores the climatology as netCDF, since an older folder's "
            "pickled climatology.joblib could run code and is never read). Refresh it by retraining with this "
            f"version: snakemake --forcerun train_deep {ModelFolder('<folder>').best} (or sstbias's train_deep_model "
            "into a new folder)"
        )
    required = REQUIRED_KEYS + (("lead_input",) if found == LEAD_INPUT_FORMAT_VERSION else ())
    missing = [key for key in required if key not in description]
    if found == FORMAT_VERSION and "lead_input" in description:
        raise ModelDirectoryError(
            f"{path}: entry lead_input in a format {FORMAT_VERSION} description (only format 4 has it)"
        )
    if missing:
        raise ModelDirectoryError(f"{path}: incomplete model description, missing entries: {', '.join(missing)}")
    if config_hash(description) != description["config_hash"]:
        raise ModelDirectoryError(
            f"{path}: modified after training (its content no longer matches config_hash "
            f"{description['config_hash'][:12]}...); retrain or restore the file"
        )


def _check_content(path: Path, description: dict) -> None:
    if description["model"] not in catalog.DEEP_MODELS:
        raise ModelDirectoryError(
            f"{path}: model {description['model']!r} is unknown to this sstbias (known: {list(catalog.DEEP_MODELS)})"
        )
    _check_entry_types(path, description)
    try:
        deep_settings(description["model"], description["settings"])
    except (ConfigError, TypeError) as err:
        raise ModelDirectoryError(f"{path}: settings do not describe a {description['model']} model ({err})") from err
    rows = description["ocean_mask"]
    shape = (len(description["lat"]), len(description["lon"]))
    if len(rows) != shape[0] or any(len(row) != shape[1] or set(row) - {"0", "1"} for row in rows):
        raise ModelDirectoryError(f"{path}: ocean_mask is not {shape[0]} rows of {shape[1]} characters 0/1")
    if not any("1" in row for row in rows):
        raise ModelDirectoryError(f"{path}: ocean_mask has no ocean cell (every corrected value would be NaN)")
    window = deep_settings(description["model"], description["settings"]).input_window_days
    if window != description["input_window_days"]:
        raise ModelDirectoryError(
            f"{path}: input_window_days {description['input_window_days']} differs from the {window} days the "
            "network's settings read (sequence_length and the longest history_days)"
        )
    _check_normaliser(path, description["normaliser"])
    entry = description["forecast_preparation"]
    if entry is not None:
        try:
            ForecastPreparation.from_dict(entry)
        except KeyError as err:
            raise ModelDirectoryError(f"{path}: forecast_preparation lacks the entry {err.args[0]!r}") from err
        except (TypeError, ValueError, AttributeError) as err:
            raise ModelDirectoryError(f"{path}: forecast_preparation is malformed ({err})") from err


def _check_normaliser(path: Path, entry: dict) -> None:
    """ModelDirectoryError unless the normaliser can give finite values: a known method and scope, and for both
    variables a finite offset and a finite, positive scale (degC)."""
    if entry["method"] not in ("minmax", "zscore") or entry["scope"] not in ("shared", "per_variable"):
        raise ModelDirectoryError(
            f"{path}: normaliser method/scope {entry['method']!r}/{entry['scope']!r} unknown (expected minmax or "
            "zscore, shared or per_variable)"
        )
    stats = entry["stats"]
    for variable in ("forecast", "observation"):
        affine = stats.get(variable) if isinstance(stats, dict) else None
        offset = affine.get("offset") if isinstance(affine, dict) else None
        scale = affine.get("scale") if isinstance(affine, dict) else None
        if not (_is_number(offset) and _is_number(scale) and np.isfinite(offset) and np.isfinite(scale) and scale > 0):
            raise ModelDirectoryError(
                f"{path}: normaliser stats of {variable} cannot give finite values (offset {offset!r}, scale "
                f"{scale!r}: a finite offset and a finite scale > 0 are needed)"
            )


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_entry_types(path: Path, description: dict) -> None:
    """ModelDirectoryError naming the first entry whose type is not what sstbias writes (a hand edit whose
    config_hash was recomputed, or another program's file): what the loaders below would otherwise trip on."""
    checks = (
        ("model", lambda v: isinstance(v, str)),
        ("settings", lambda v: isinstance(v, dict)),
        ("in_channels", lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1),
        ("input_window_days", lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1),
        ("normaliser", lambda v: isinstance(v, dict) and {"method", "scope", "days", "stats"} <= set(v)),
        ("train_days", lambda v: isinstance(v, list) and len(v) == 2 and all(isinstance(d, str) for d in v)),
        ("validation_days", lambda v: isinstance(v, list) and len(v) in (0, 2) and all(isinstance(d, str) for d in v)),
        ("lat", lambda v: isinstance(v, list) and len(v) > 1 and all(_is_number(x) for x in v)),
        ("lon", lambda v: isinstance(v, list) and len(v) > 1 and all(_is_number(x) for x in v)),
        ("ocean_mask", lambda v: isinstance(v, list) and all(isinstance(row, str) for row in v)),
        ("forecast_preparation", lambda v: v is None or isinstance(v, dict)),
        (
            "climatology",
            lambda v: (
                v is None or (isinstance(v, dict) and v.get("file") == CLIMATOLOGY and isinstance(v.get("sha256"), str))
            ),
        ),
    )
    if "lead_input" in description:
        checks += (
            (
                "lead_input",
                lambda v: (
                    isinstance(v, dict)
                    and v.get("scale_days") == LEAD_SCALE_DAYS
                    and isinstance(v.get("leads"), list)
                    and len(v["leads"]) >= 1
                    and all(isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in v["leads"])
                    and len(set(v["leads"])) == len(v["leads"])
                ),
            ),
        )
    for key, valid in checks:
        if not valid(description[key]):
            raise ModelDirectoryError(f"{path}: entry {key} has an unexpected value {description[key]!r:.60}")
    for key in ("train_days", "validation_days"):
        try:
            pd.DatetimeIndex(description[key])
        except (ValueError, TypeError) as err:
            raise ModelDirectoryError(f"{path}: entry {key} holds no dates ({err})") from err
