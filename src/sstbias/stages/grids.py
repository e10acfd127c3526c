"""File-to-file steps summarising the hyper-parameter grids: the paper's Tables 2 and 3 and Figs. 7 and 8."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sstbias import figures
from sstbias.netcdf import PathLike
from sstbias.tables import GRID_LABELS, grid_markdown, grid_table, write_table


def grid_summary(
    *,
    model: str,
    key: str,
    values: Sequence,
    n_seeds: int,
    metric_files: Sequence[PathLike],
    csv: PathLike,
    md: PathLike,
    png: PathLike,
) -> None:
    """Table (CSV, Markdown) and metric curves of ``model`` over the grid ``key`` (lr or iterations).

    ``metric_files`` are point-major: the ``n_seeds`` runs of ``values[0]``, then those of ``values[1]``, ...
    """
    if len(metric_files) != len(values) * n_seeds:
        raise ValueError(f"grid {key}: {len(metric_files)} metric files for {len(values)} values x {n_seeds} seeds")
    records = []
    for path in metric_files:
        with open(path) as handle:
            records.append(json.load(handle))
    by_value = [records[i : i + n_seeds] for i in range(0, len(records), n_seeds)]
    table = grid_table(by_value, list(values), key)
    write_table(table, csv, md, grid_markdown(table, key, model))
    figures.metric_curves(table, key, GRID_LABELS[key], png, log_x=key == "lr")
