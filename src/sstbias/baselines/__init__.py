"""Baseline correctors (the Corrector interface in :mod:`~sstbias.baselines.base`, the name -> class registry in
:mod:`~sstbias.baselines.registry`, the settings in :mod:`~sstbias.baselines.settings`).

Layer rule: baselines/ imports the ground-level modules (errors, netcdf, setting), the per-cell features
(data.features) and the catalogue (experiments.catalog); nothing above (stages, config, deep, twin). This file
imports nothing, so the settings are importable without scikit-learn, LightGBM or xsdba.
"""
