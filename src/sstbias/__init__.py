"""sstbias: bias correction of numerical SST forecasts with satellite observations.

Layers, bottom to top (each imports only from its own layer or below; tests/test_layers.py holds the full table,
group by group, and fails naming the file and line of an import against it):

1. ground level: errors, logs, setting, period, atomic, box, align, features, local_files, metrics, ncformat,
   plausible, grid, regrid, netcdf, provenance, split, normalise;
2. the raw products: io, daily, forecast, download;
3. the models: neural (a leaf: nothing of sstbias), baselines and deep (deep builds neural's networks from plain
   values), the catalogue and the schema generated from it (the catalogue imports only the torch-free settings);
   the twin (never config);
4. reports and run names: ablation, budget_curve, tables, uncertainty, evaluation, figures, runs, paths,
   results_doc;
5. config, correct, cli;
6. stages, the workflow's steps: they may import anything above, and nothing imports them.
"""

__version__ = "0.1.0"
