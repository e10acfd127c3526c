"""Snakemake adapter: rule ablation_table -> sstbias.ablation.table.ablation_table / write_ablation."""

from sstbias.ablation.table import ablation_table, write_ablation
from sstbias.logs import job_logging
from sstbias.results_doc import write_provenance

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    table = ablation_table(sm.params.runs, sm.params.climatology)
    write_ablation(table, sm.output.csv, sm.output.md, sm.params.title)
    write_provenance(sm.output.provenance, [sm.output.md], sm.rule, sm.scriptdir)
