"""Snakemake adapter: rule regrid -> sstbias.stages.regrid.regrid_product."""

from sstbias.grid import AnalysisGrid, Box
from sstbias.logs import job_logging
from sstbias.provenance import read_settings_file
from sstbias.stages import regrid

with job_logging(snakemake.log[0]):  # noqa: F821
    sm = snakemake  # noqa: F821
    grid = AnalysisGrid(Box.from_config(sm.params.box), sm.params.resolution)
    weights = sm.output.get("weights")
    regrid.regrid_product(
        sm.wildcards.product,
        list(sm.input.files),
        sm.output.field,
        grid,
        sm.params.engine,
        sm.params.period,
        weights,
        settings=read_settings_file(sm.input.settings),
    )
