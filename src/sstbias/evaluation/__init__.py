"""The evaluation: verification metrics, their uncertainty, the results tables and figures, the budget curve
and the results document built from the workflow's outputs.

Layer rule: evaluation/ imports the ground-level modules and experiments/ (the catalogue, the ablation's
steps); never deep, twin, config or stages. Config and stages import it.
"""
