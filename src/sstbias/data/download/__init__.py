"""Downloads of the raw products: HYCOM through NCSS (the best time series per day, :mod:`.hycom`; forecast runs
per run and tau from the FMRC, :mod:`.hycom_runs`), OISST through ERDDAP (per month) and NCEI (per day).

Standard library, numpy, netCDF4 and tqdm only: each download is a short workflow job, so imports stay light.

Layer rule: download/ imports the ground-level modules only (errors, atomic, box, ncformat, the package version)
and, in data/, the standard-library mapping of forecast steps to leads (:mod:`sstbias.data.leads`); config and
stages import it.
"""
