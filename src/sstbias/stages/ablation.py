"""File-to-file step of the deep models' ablation (rule ablation_table, ablation.smk). The library side is
:mod:`sstbias.experiments.ablation.table`; the ablation's runs are ordinary runs of the other stages."""

from __future__ import annotations

from collections.abc import Sequence

from sstbias.experiments.ablation.table import ablation_table, write_ablation
from sstbias.netcdf import PathLike


def ablation_tables(
    runs: Sequence[dict], climatology: dict[str, PathLike], csv: PathLike, md: PathLike, title: str
) -> None:
    """tables/ablation.csv and .md (one row per step and deep model) from every ablation run's metrics and
    training log and the climatology's metrics under each protocol step
    (:func:`sstbias.experiments.ablation.table.ablation_table`:
    ``runs``, ``climatology`` as it takes them)."""
    write_ablation(ablation_table(runs, climatology), csv, md, title)
