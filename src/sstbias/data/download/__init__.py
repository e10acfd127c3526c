"""Downloads of the raw products: HYCOM through NCSS (per day), OISST through ERDDAP (per month) and NCEI (per day).

Standard library, numpy, netCDF4 and tqdm only: each download is a short workflow job, so imports stay light.

Layer rule: download/ imports the ground-level modules only (errors, atomic, box, ncformat, the package version);
config and stages import it.
"""
