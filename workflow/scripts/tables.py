"""Snakemake adapter: rule tables -> sstbias.stages.evaluate.tables."""

from sstbias.evaluation.results_doc import write_provenance
from sstbias.logs import job_logging
from sstbias.stages import evaluate

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    evaluate.tables(list(sm.input.metrics), list(sm.input.daily), dict(sm.output.items()), sm.params.uncertainty)
    write_provenance(
        sm.output.provenance, [sm.output.metrics_md, sm.output.monthly_md, sm.output.skill_md], sm.rule, sm.scriptdir
    )
