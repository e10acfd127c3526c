"""Snakemake adapter: rule budget_table -> sstbias.stages.budget_curve.budget_table."""

from sstbias.evaluation import budget_curve
from sstbias.evaluation.results_doc import write_provenance
from sstbias.logs import job_logging
from sstbias.stages import budget_curve as stage

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    stage.budget_table(
        model=sm.wildcards.model,
        iterations=sm.params.iterations,
        batch_size=sm.params.batch_size,
        metrics=list(sm.input.metrics),
        logs=list(sm.input.logs),
        references={name: list(sm.input.get(name, [])) for name in budget_curve.REFERENCES},
        csv=sm.output.csv,
        md=sm.output.md,
        title=sm.params.title,
    )
    write_provenance(sm.output.provenance, [sm.output.md], sm.rule, sm.scriptdir)
