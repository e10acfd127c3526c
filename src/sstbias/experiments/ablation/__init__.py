"""The deep models' ablation: its steps (:mod:`~sstbias.experiments.ablation.steps`: the settings of each step's runs,
asked
by :mod:`sstbias.experiments.runs`), its table (:mod:`~sstbias.experiments.ablation.table`: built from the runs'
metrics and training logs,
written as ``tables/ablation.csv`` / ``.md`` by the workflow target ``ablation``, workflow/rules/ablation.smk) and
the copy of such tables into a document (:mod:`~sstbias.experiments.ablation.document`, ``python -m
sstbias.experiments.ablation``).

Layer rule: ablation/ imports the catalogue, the torch-free attention options (neural.blocks.attention_options)
and the ground-level modules (atomic); never stages, config, deep or twin. This file imports nothing.
"""
