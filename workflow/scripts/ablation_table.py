"""Snakemake adapter: rule ablation_table -> sstbias.stages.ablation.ablation_tables."""

from sstbias.evaluation.results_doc import write_provenance
from sstbias.logs import job_logging
from sstbias.stages import ablation

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    ablation.ablation_tables(sm.params.runs, sm.params.climatology, sm.output.csv, sm.output.md, sm.params.title)
    write_provenance(sm.output.provenance, [sm.output.md], sm.rule, sm.scriptdir)
