"""The experiments: the model catalogue and the schema generated from it, run names, the workflow's paths and
the deep models' ablation.

Layer rule: experiments/ imports the models' torch-free settings (baselines, deep,
neural.blocks.attention_options) and the ground-level modules; never config, twin or stages. The
catalogue imports no heavy library.
"""
