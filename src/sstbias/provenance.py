"""What made a raw or interim file: its settings, recorded in the file and in one settings file per stage.

Every file the workflow makes from the config's data settings (the twin's raw months, the daily forecast, the
regridded products, the aligned dataset) records them as canonical JSON in its global attribute
:data:`ATTRIBUTE`. The workflow also keeps, below ``{results_root}/{dataset}/interim/settings/``, one JSON file
per stage with the settings the current config gives it, as an input of the stage's rule: when the workflow
starts, a settings file holding other settings is rewritten (:func:`refresh_settings_file`), so a file made
under other settings (another clone sharing the results folder, another scenario) is older than its settings file
and is remade, never reused.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from sstbias.atomic import atomic_write

ATTRIBUTE = "sstbias_settings"


def canonical(value: object) -> object:
    """``value`` with every mapping's keys sorted (recursively, lists kept in order): one form per content."""
    if isinstance(value, dict):
        return {str(key): canonical(value[key]) for key in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    return value


def sort_in_place(config: dict) -> None:
    """Reorder the keys of ``config`` and of every mapping in it, in place (Snakemake holds the object)."""
    for item in list(config.values()):
        if isinstance(item, dict):
            sort_in_place(item)
        elif isinstance(item, list):
            for element in item:
                if isinstance(element, dict):
                    sort_in_place(element)
    items = sorted(config.items(), key=lambda pair: str(pair[0]))
    config.clear()
    config.update(items)


def settings_text(settings: dict) -> str:
    """The canonical JSON text of ``settings`` (sorted keys, no spaces)."""
    return json.dumps(canonical(settings), sort_keys=True, separators=(",", ":"), default=str)


def write_settings_file(path: str | os.PathLike, settings: dict) -> Path:
    """Write ``settings`` to ``path`` as canonical JSON unless it already holds exactly them (its time is then
    left alone, so nothing that depends on it reruns); returns the path."""
    path = Path(path)
    text = settings_text(settings) + "\n"
    if not (path.is_file() and path.read_text() == text):
        atomic_write(path, lambda tmp: tmp.write_text(text))
    return path


def refresh_settings_file(path: str | os.PathLike, settings: dict, results: str | os.PathLike) -> bool:
    """When the results folder ``results`` exists, make the settings file ``path`` hold ``settings`` (rewritten,
    so newer than what it made, only when it held other ones; written when absent); whether it was written.

    What the workflow does when it starts (a dry run too). A fresh results folder is left uncreated: there the
    rule ``data_settings`` writes the file. (Removing a stale file would not do: Snakemake does not remake
    outputs whose only change is a missing intermediate input.)
    """
    path = Path(path)
    if not Path(results).is_dir() or (path.is_file() and path.read_text() == settings_text(settings) + "\n"):
        return False
    write_settings_file(path, settings)
    return True


def read_settings_file(path: str | os.PathLike) -> dict:
    """The settings in a file written by :func:`write_settings_file`."""
    return json.loads(Path(path).read_text())


def recorded_settings(settings: dict | None) -> dict[str, str]:
    """The global attributes recording ``settings`` (none when None: a file made outside the workflow)."""
    return {} if settings is None else {ATTRIBUTE: settings_text(settings)}


def record(path: str | os.PathLike, settings: dict) -> None:
    """Add ``settings`` to the netCDF file ``path`` as the global attribute :data:`ATTRIBUTE` (for a file still
    under its temporary name: see :func:`sstbias.atomic.atomic_write`)."""
    import netCDF4

    with netCDF4.Dataset(path, "a") as ds:
        ds.setncattr(ATTRIBUTE, settings_text(settings))


def recorded(path: str | os.PathLike) -> dict | None:
    """The settings recorded in the netCDF file ``path`` (None if it records none)."""
    import netCDF4

    with netCDF4.Dataset(path) as ds:
        return json.loads(ds.getncattr(ATTRIBUTE)) if ATTRIBUTE in ds.ncattrs() else None


def twin_month_settings(config: dict, month: str) -> dict:
    """The config entries that shape one twin month ("YYYY-MM"), with the period clipped to that month.

    Passing only these to the synthesize rule keeps unrelated config changes from regenerating the raw data.
    """
    import pandas as pd

    period = pd.date_range(config["period"]["start"], config["period"]["end"], freq="D")
    days = [day for day in period if day.strftime("%Y-%m") == month]
    return {
        "box": config["box"],
        "grid": {"resolution": config["grid"]["resolution"]},
        "raw_margin_deg": config["raw_margin_deg"],
        "twin": config["twin"],
        "period": {"start": str(days[0].date()), "end": str(days[-1].date())},
    }


def twin_run_settings(config: dict) -> dict:
    """The config entries that shape the twin's forecast runs (the months they are analysed in name the files)."""
    return {
        "source": "twin",
        "box": config["box"],
        "grid": {"resolution": config["grid"]["resolution"]},
        "raw_margin_deg": config["raw_margin_deg"],
        "twin": config["twin"],
        "daily_reduction": config["daily_reduction"],
        "leads": [lead for lead in config["forecast"]["leads"] if lead],
    }


def data_settings(config: dict, engine: str, months: list[str], run_months: Sequence[str] = ()) -> dict[str, dict]:
    """The settings of each data stage under the (validated) ``config``, by settings-file name.

    ``raw_<month>`` (twin only) and ``forecast_daily_<month>`` for each of ``months``, and ``analysis`` (the
    regridded products and the aligned dataset). ``engine`` is the resolved regridding engine. With forecast
    leads (``forecast.leads`` other than ``[0]``) each lead L has its own ``lead_<L>_forecast_daily_<month>`` and
    ``lead_<L>_analysis``, which record the lead, and the twin's forecast runs analysed in each of ``run_months``
    their ``raw_runs_<month>``.
    """
    source = config["source"]
    identity = {
        "twin": lambda month: {"source": "twin", **twin_month_settings(config, month)},
        "remote": lambda month: {
            "source": "remote",
            "remote": config["remote"],
            "raw_margin_deg": config["raw_margin_deg"],
        },
        "local": lambda month: {"source": "local", "local": config["local"]},
    }[source]
    leads = config.get("forecast", {}).get("leads", [0])
    by_lead = leads != [0]
    stages: dict[str, dict] = {}
    if source == "twin":
        for month in months:
            stages[f"raw_{month}"] = identity(month)
    for month in run_months:
        stages[f"raw_runs_{month}"] = twin_run_settings(config)
    whole = {"source": source, **({"twin": config["twin"]} if source == "twin" else {})}
    if source != "twin":
        whole[source] = config[source]
    for lead in leads:
        prefix, noted = (f"lead_{lead}_", {"lead": lead}) if by_lead else ("", {})
        for month in months:
            stages[f"{prefix}forecast_daily_{month}"] = {
                "raw": identity(month),
                "box": config["box"],
                "daily_reduction": config["daily_reduction"],
                **noted,
            }
        stages[f"{prefix}analysis"] = {
            "raw": whole,
            "box": config["box"],
            "raw_margin_deg": config["raw_margin_deg"],
            "daily_reduction": config["daily_reduction"],
            "grid": {**config["grid"], "regrid_engine": engine},
            "period": config["period"],
            "missing_days": config["missing_days"],
            **noted,
        }
    return {name: canonical(settings) for name, settings in stages.items()}
