"""Model names by family, importable without the heavy libraries (torch, scikit-learn, LightGBM, xsdba).

The workflow reads these when it parses the Snakefile, which happens for every job on a cluster; the classes
live in ``sstbias.baselines.REGISTRY`` and ``sstbias.models.MODELS`` (tests keep both in step with this list).
"""

BASELINES = ("raw", "climatology", "quantile_mapping", "random_forest", "lightgbm")
FEATURE_BASELINES = ("random_forest", "lightgbm")  # shaped by the config's `features` section
DEEP_MODELS = ("convgru", "convlstm_at", "convgru_sa")
SEEDED_MODELS = ("random_forest", "lightgbm", *DEEP_MODELS)  # their fit depends on a random seed
