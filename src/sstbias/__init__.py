"""sstbias: bias correction of numerical SST forecasts with satellite observations.

Layers, bottom to top (each imports only from its own layer or below; tests/test_layers.py holds the full table,
group by group, and fails naming the file and line of an import against it):

1. ground level: errors, logs, setting, period, atomic, box, ncformat, plausible, grid, netcdf, provenance;
2. data/: the raw products' readers and downloads, the daily forecast, regridding, alignment, split,
   normalisation, the tree correctors' features;
3. the models: neural (a leaf: nothing of sstbias), baselines and deep (deep builds neural's networks from
   plain values); experiments/: the catalogue and the schema generated from it (the catalogue imports only
   the torch-free settings), run names, paths, the ablation; the twin (never config);
4. evaluation/: metrics, uncertainty, tables, figures, the budget curve, the results document;
5. config, correct, cli;
6. stages, the workflow's steps: they may import anything above, and nothing imports them.
"""

__version__ = "0.1.0"
