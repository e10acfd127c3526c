"""Snakemake adapter: rules predict_deep and predict_iteration_grid -> sstbias.stages.deep.predict_deep."""

from pathlib import Path

from sstbias.logs import job_logging
from sstbias.stages import deep

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    deep.predict_deep(
        model=sm.params.model,
        out_dir=Path(sm.input.description).parent,
        aligned=sm.input.aligned,
        split_path=sm.input.split,
        out=sm.output[0],
        weights=sm.input.get("weights"),  # predict_iteration_grid: the weights at an iteration, not best.pt
        lead=sm.params.get("lead"),  # a model that takes the lead as an input: the lead of the inputs
    )
