"""The data: readers of the raw products (io), their downloads (download), user files (local_files), the daily
reduction (daily), the forecast's preparation (forecast), regridding (regrid), alignment (align), the split
(split), the normalisation (normalise) and the tree correctors' tabular samples (features).

Layer rule: data/ imports the ground-level modules only (errors, atomic, box, grid, ncformat, netcdf,
plausible, the package version); twin, the models, config, correct and stages import it.
"""
