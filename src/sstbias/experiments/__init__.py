"""The experiments: the model catalogue and the schema generated from it, run names, the workflow's
paths, the deep models' ablation and the validation comparison of per-lead and lead-input models (lead_models).

Layer rule: experiments/ imports the models' torch-free settings (baselines, deep,
neural.blocks.attention_options) and the ground-level modules; never config, twin or stages. The
catalogue imports no heavy library.
"""
