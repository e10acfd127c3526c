"""Checks of the workflow configuration that JSON schema cannot express; each error names the key."""

from __future__ import annotations

import os

from sstbias.box import Box, raw_box
from sstbias.data.download.hycom import east_west_360
from sstbias.data.leads import check_leads
from sstbias.data.split import chronological_split, split_sizes
from sstbias.errors import ConfigError
from sstbias.experiments import catalog
from sstbias.grid import AnalysisGrid
from sstbias.period import period_days
from sstbias.provenance import sort_in_place
from sstbias.twin.scenarios import check_twin


def validate_config(config: dict, schema: str | os.PathLike) -> None:
    """Check ``config`` before any job, filling the defaults of the JSON ``schema`` file in place: the model
    selection (:func:`sstbias.experiments.catalog.check_models`), the schema, then :func:`check_config`; each error a
    one-line
    ConfigError naming the key. The checked config's keys are then sorted in place (every rule's params
    canonical)."""
    from snakemake.exceptions import WorkflowError
    from snakemake.utils import validate

    catalog.check_models(config)
    try:
        validate(config, schema=str(schema))
    except WorkflowError as err:
        raise schema_error(err) from None
    check_config(config)
    sort_in_place(config)  # canonical: a config with its keys in another order gives the same rule params


def check_config(config: dict) -> None:
    """Raise ConfigError naming the key if the (schema-validated) config is inconsistent.

    Every check that the config alone decides runs here, before any job: the box (and its raw margin), the
    period against the split, the grids, the budget curve, the lags, and each deep model's settings
    (:func:`check_deep_settings`).
    """
    grid = AnalysisGrid.from_config(config)
    box = raw_box(config)
    check_twin(config["twin"])
    check_paths(config)
    check_forecast_leads(config)
    check_size(config, grid, box)
    if config["source"] == "remote":
        east_west_360(box)
    if config["source"] == "twin":
        from sstbias.twin.generate import check_twin_ocean

        check_twin_ocean(config)
    if config["source"] == "local":
        for key in ("hycom", "oisst"):
            if not config["local"][key]:
                raise ConfigError(f"local.{key}: empty; list the folders or globs of your files (source: local)")
    days = period_days(config["period"])
    split = config["split"]
    n_train, _, n_test = split_sizes(len(days), split["train_fraction"], split["validation_fraction"])
    if n_train < 1 or n_test < 1:
        raise ConfigError(
            f"split: {len(days)} days with train_fraction={split['train_fraction']} and "
            f"validation_fraction={split['validation_fraction']} leave {n_train} training and {n_test} test days"
        )
    n_train = len(chronological_split(days, **split)["train"])  # less the gaps around validation blocks
    for model in config.get("ablation", {}).get("models", []):
        if model not in config["models"]:
            raise ConfigError(f"ablation.models: {model!r} is not configured under models")
    from sstbias.evaluation.budget_curve import budget_settings

    budget_settings(config)
    grid_model = config["grids"].get("model")
    if grid_model is not None and grid_model not in config["models"]:
        raise ConfigError(f"grids.model: {grid_model!r} is not configured under models")
    lags = config["features"]["lagged_forecast_days"]
    if lags >= n_train:
        raise ConfigError(f"features.lagged_forecast_days: {lags} is not shorter than the {n_train} training days")
    for name in catalog.DEEP_MODELS:
        if name in config["models"]:
            check_deep_settings(name, config["models"][name], n_train)
            check_validation_gap(name, config["models"][name], split)
    check_lead_models(config)


def check_forecast_leads(config: dict) -> None:
    """ConfigError naming ``forecast.leads`` unless the leads are days a GOFS 3.1 run holds under the configured
    daily reduction (:func:`sstbias.data.leads.check_leads`); sorts them in place."""
    reduction = config["daily_reduction"]
    try:
        config["forecast"]["leads"] = check_leads(
            config["forecast"]["leads"], "forecast.leads", reduction["method"], reduction["hour"]
        )
    except ValueError as err:
        raise ConfigError(str(err)) from None


def check_lead_models(config: dict) -> None:
    """ConfigError naming ``forecast.lead_models`` when ``lead_input`` (one deep model per network for every lead)
    has fewer than two leads to pool, or a configured deep model reads the per-cell climatology (fitted per lead)."""
    from sstbias.deep.settings import deep_settings

    forecast = config["forecast"]
    if forecast["lead_models"] != "lead_input":
        return
    if len(forecast["leads"]) < 2:
        raise ConfigError(
            f"forecast.lead_models: lead_input pools the samples of several leads; forecast.leads is "
            f"{forecast['leads']} (use per_lead, or list more leads)"
        )
    for name in catalog.DEEP_MODELS:
        if name in config["models"] and deep_settings(name, config["models"][name]).uses_climatology:
            raise ConfigError(
                f"forecast.lead_models: lead_input cannot train models.{name}: its residual_over: climatology or "
                "climatology channel reads a climatology fitted per lead (use per_lead)"
            )


def check_validation_gap(name: str, settings: dict, split: dict) -> None:
    """ConfigError naming ``split.gap_days`` if, with validation blocks, the gap after a block is shorter than the
    ``input_window_days - 1`` earlier days that a training window of deep model ``name`` reads as inputs (its
    sequence and the longest history before it)."""
    from sstbias.deep.settings import deep_settings

    reach = deep_settings(name, settings).input_window_days - 1
    if split["validation"] == "blocks" and split["gap_days"] < reach:
        raise ConfigError(
            f"split.gap_days: {split['gap_days']} days after each validation block are fewer than the {reach} earlier "
            f"days a training window of {name} reads (models.{name}.sequence_length - 1 + max(history_days)): it "
            "would read validation days as inputs"
        )


def check_paths(config: dict) -> None:
    """ConfigError unless ``dataset`` is a plain folder name (not ``.``, ``..`` or hidden, so outputs stay below
    ``results_root``) and ``results_root`` (and ``results_root/dataset``) is a folder or does not exist yet."""
    dataset, root = config["dataset"], config["results_root"]
    if dataset.startswith("."):
        raise ConfigError(
            f"dataset: {dataset!r} is not a plain folder name (it must not start with '.'; outputs land in "
            "{results_root}/{dataset}/)"
        )
    for key, path in (("results_root", root), ("dataset", os.path.join(root, dataset))):
        if os.path.exists(path) and not os.path.isdir(path):
            raise ConfigError(
                f"{key}: {path!r} exists and is not a folder (outputs land in {{results_root}}/{{dataset}}/)"
            )


def check_size(config: dict, grid: AnalysisGrid, box: Box) -> None:
    """ConfigError naming the box and the size when one field of the analysis grid, or one raw HYCOM field over
    the raw ``box`` (native 0.04 x 0.08 deg), has more cells than ``max_grid_cells``."""
    from sstbias.twin.generate import HYCOM_DLAT, HYCOM_DLON

    limit = config["max_grid_cells"]
    native = (round((box.lat_max - box.lat_min) / HYCOM_DLAT) + 1, round((box.lon_max - box.lon_min) / HYCOM_DLON) + 1)
    for what, (rows, columns) in (
        (f"the analysis grid at {config['grid']['resolution']} deg", (grid.lat.size, grid.lon.size)),
        (f"a raw HYCOM field over the raw box (native {HYCOM_DLAT} x {HYCOM_DLON} deg)", native),
    ):
        if rows * columns > limit:
            written = config["box"]
            raise ConfigError(
                f"box: lat {written['lat_min']}..{written['lat_max']}, lon {written['lon_min']}..{written['lon_max']} "
                f"gives {rows} x {columns} = {rows * columns} cells on {what}, more than max_grid_cells={limit}: "
                "shrink the box (or coarsen grid.resolution), or raise max_grid_cells knowingly"
            )


def check_deep_settings(name: str, settings: dict, n_train: int) -> None:
    """ConfigError naming ``models.<name>.<key>`` for deep settings that would fail only in training: what the
    model's settings dataclass rejects (unknown key, non-positive size, an even ``kernel_size``, ...), an input
    window ``sequence_length`` longer than the ``n_train`` training days (no training day would have its whole
    window)."""
    from sstbias.deep.settings import cpu_has_bfloat16, deep_settings

    parsed = deep_settings(name, settings)
    window = parsed.input_window_days
    if window > n_train:
        key = "sequence_length" if parsed.sequence_length > n_train else "history_days"
        raise ConfigError(
            f"models.{name}.{key}: an input window of {window} days (sequence_length {parsed.sequence_length} and "
            f"the longest history_days {max(parsed.history_days, default=0)}) is longer than the period's "
            f"{n_train} training days, so no training day has its whole window; lengthen the period or shorten it"
        )
    if parsed.precision == "bfloat16" and parsed.device == "cpu" and not cpu_has_bfloat16():
        raise ConfigError(
            f"models.{name}.precision: bfloat16 on device cpu needs a CPU with AVX512-BF16 or AMX, and this "
            "machine's has neither; use float32 or auto"
        )


def schema_error(error: Exception) -> ConfigError:
    """A one-line ConfigError naming the key, from the error of the config's JSON schema validation (Snakemake's
    WorkflowError wrapping a jsonschema ValidationError): without the schema and config that it prints."""
    chain = [error.__cause__, error.__context__, *getattr(error, "args", ())]  # raised while handling it
    found = [cause for cause in chain if hasattr(cause, "absolute_path") and hasattr(cause, "validator")]
    if not found:
        return ConfigError(f"config: {str(error).splitlines()[0] if str(error) else type(error).__name__}")
    invalid = found[0]
    path = ".".join(str(part) for part in invalid.absolute_path)
    if invalid.validator == "additionalProperties" and isinstance(invalid.instance, dict):
        known = set(invalid.schema.get("properties", {}))
        unknown = sorted(str(key) for key in set(invalid.instance) - known)
        where = f"{path}." if path else ""
        return ConfigError(
            f"{where}{unknown[0] if unknown else '?'}: unknown key (known here: {', '.join(sorted(known))}; every key "
            "is documented in workflow/schemas/config.schema.yaml)"
        )
    message = invalid.message if len(invalid.message) <= 200 else invalid.message[:200] + " ..."
    return ConfigError(f"{path or 'config'}: {message}")
