"""Snakemake adapter: rule budget_figure -> sstbias.stages.figures.budget_figure."""

from sstbias.evaluation import budget_curve
from sstbias.logs import job_logging
from sstbias.stages import figures

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    figures.budget_figure(
        list(sm.input.tables),
        {name: list(sm.input.get(name, [])) for name in budget_curve.REFERENCES},
        sm.output[0],
    )
