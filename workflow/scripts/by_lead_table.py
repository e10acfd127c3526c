"""Snakemake adapter: rule by_lead_table -> sstbias.stages.evaluate.by_lead."""

from sstbias.evaluation.results_doc import write_provenance
from sstbias.logs import job_logging
from sstbias.stages import evaluate

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    tables = dict(zip(sm.params.leads, sm.input.metrics, strict=True))
    evaluate.by_lead(tables, sm.output.csv, sm.output.md, sm.params.confidence)
    write_provenance(sm.output.provenance, [sm.output.md], sm.rule, sm.scriptdir)
