"""Snakemake adapter: rule error_budget -> sstbias.stages.budget.error_budget_tables."""

from sstbias.evaluation.results_doc import write_provenance
from sstbias.logs import job_logging
from sstbias.stages import budget

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    budget.error_budget_tables(
        sm.input.aligned, sm.input.split, list(sm.input.diagnostics), sm.params.scenario, sm.output.csv, sm.output.md
    )
    write_provenance(sm.output.provenance, [sm.output.md], sm.rule, sm.scriptdir)
