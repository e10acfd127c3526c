"""File-to-file steps summarising the hyper-parameter grids: the paper's Tables 2 and 3 and Figs. 7 and 8."""

from __future__ import annotations

from collections.abc import Sequence

from sstbias.evaluation import figures
from sstbias.evaluation.tables import GRID_LABELS, grid_results, read_records, write_table
from sstbias.netcdf import PathLike


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
    table, markdown = grid_results(read_records(metric_files), values, n_seeds, key, model)
    write_table(table, csv, md, markdown)
    figures.metric_curves(table, key, GRID_LABELS[key], png, log_x=key == "lr")
