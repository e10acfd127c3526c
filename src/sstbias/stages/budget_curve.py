"""File-to-file step of the budget curve's table (rule budget_table, budget_curve.smk). The library side is
:mod:`sstbias.evaluation.budget_curve`; the trainings are ordinary runs of the deep stage, and the figure (rule
budget_figure, in the figures' environment) is :func:`sstbias.stages.figures.budget_figure`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sstbias.evaluation.budget_curve import write_budget_table
from sstbias.netcdf import PathLike


def budget_table(
    *,
    model: str,
    iterations: Sequence[int],
    batch_size: int,
    metrics: Sequence[PathLike],
    logs: Sequence[PathLike],
    references: Mapping[str, Sequence[PathLike]],
    csv: PathLike,
    md: PathLike,
    title: str,
) -> None:
    """tables/budget_<model>.csv and .md from the point-major ``metrics`` of the seeds, their training ``logs`` and
    the references' metrics files (:func:`sstbias.evaluation.budget_curve.write_budget_table`)."""
    write_budget_table(
        model=model,
        iterations=iterations,
        batch_size=batch_size,
        metrics=metrics,
        logs=logs,
        references=references,
        csv=csv,
        md=md,
        title=title,
    )
