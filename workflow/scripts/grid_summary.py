"""Snakemake adapter: rule grid_summary -> sstbias.stages.grids.grid_summary."""

from sstbias.evaluation.results_doc import write_provenance
from sstbias.logs import job_logging
from sstbias.stages import grids

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    grids.grid_summary(
        model=sm.params.model,
        key=sm.wildcards.grid,
        values=sm.params.values,
        n_seeds=len(sm.params.seeds),
        metric_files=list(sm.input),
        csv=sm.output.csv,
        md=sm.output.md,
        png=sm.output.png,
    )
    write_provenance(sm.output.provenance, [sm.output.md], sm.rule, sm.scriptdir)
