"""File-to-file steps of the workflow, one module per stage (rule file).

The rule of a stage function: it reads its input files, makes one library call, writes its outputs; no domain
logic. Reading is opening the files (``xr.load_dataset``, :func:`sstbias.netcdf.open_field`,
:func:`sstbias.data.split.load_split`, a library reader or a model's ``load``); writing is a library writer
(:func:`sstbias.netcdf.write_dataset` and :func:`~sstbias.netcdf.write_prediction`, ``write_table``, ``atomic_write``,
a model's ``save``) and a log line. What is computed, checked or composed in between (selecting days, masks,
records, tables, Markdown) is a library function, tested on its own; so a stage never imports a sibling stage.
The Snakemake scripts in ``workflow/scripts/`` only pass a rule's paths and params to one stage function.

Layer rule: stages/ is the top layer: it may import anything of the library (not cli or __main__), and nothing
in src/sstbias imports it (the workflow's scripts do).
"""
