"""Snakemake adapter: rule train_deep_lead_input -> sstbias.stages.deep.train_deep_lead_input."""

from pathlib import Path

from sstbias.logs import job_logging
from sstbias.stages import deep

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    deep.train_deep_lead_input(
        model=sm.params.model,
        settings=sm.params.settings,
        leads=list(sm.params.leads),
        aligned=list(sm.input.aligned),
        split_paths=list(sm.input.split),
        normalisation=dict(sm.params.normalisation),
        out_dir=Path(sm.output.best).parent,
        threads=sm.threads,
        preparation=sm.params.preparation,
        native_forecast=sm.input.native_forecast,
    )
