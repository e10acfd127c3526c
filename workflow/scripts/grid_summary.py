"""Snakemake adapter: rule grid_summary -> sstbias.stages.grids.grid_summary."""

from sstbias.logs import job_logging
from sstbias.stages import grids

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    grids.grid_summary(
        sm.params.model,
        sm.wildcards.grid,
        sm.params.values,
        len(sm.params.seeds),
        list(sm.input),
        sm.output.csv,
        sm.output.md,
        sm.output.png,
    )
