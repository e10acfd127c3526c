"""The models sstbias knows: names by family, the paper's order and display names, importable without the heavy
libraries (torch, scikit-learn, LightGBM, xsdba).

The one owner of these facts. The workflow reads them when it parses the Snakefile, which happens for every job on
a cluster; the classes live in ``sstbias.baselines.REGISTRY`` and ``sstbias.neural.NETWORKS``, the settings in
their dataclasses, and the schema's model keys and enums follow this list (tests keep them all in step).
"""

BASELINES = ("raw", "climatology", "quantile_mapping", "random_forest", "lightgbm")
FEATURE_BASELINES = ("random_forest", "lightgbm")  # shaped by the config's `features` section
DEEP_MODELS = ("convgru", "convlstm_at", "convgru_sa")
ORDER = (*BASELINES, *DEEP_MODELS)  # the paper's order: tables and figures show models so
SEEDED_MODELS = ("random_forest", "lightgbm", *DEEP_MODELS)  # their fit depends on a random seed
# The twin's hindsight references, evaluated like models and shown last (static oracle, then floor): not correctors.
STATIC_ORACLE = "static_oracle"  # per cell the least-squares line in time of the error, fitted on the test days
FLOOR = "floor"  # the irreducible floor: observation minus the unpredictable error
ORACLES = (STATIC_ORACLE, FLOOR)
DISPLAY_NAMES = {
    "raw": "Uncorrected forecast",
    "climatology": "Climatological bias",
    "quantile_mapping": "Quantile mapping",
    "random_forest": "Random Forest",
    "lightgbm": "LightGBM",
    "convgru": "ConvGRU",
    "convlstm_at": "3DCNN-CBAM-ConvLSTM-AT",
    "convgru_sa": "ConvGRU-SA",
    STATIC_ORACLE: "Static oracle (twin)",
    FLOOR: "Irreducible floor (twin)",
}


def display_name(name: str) -> str:
    """How tables and figures name model ``name`` (the name itself if it has no display name)."""
    return DISPLAY_NAMES.get(name, name)
