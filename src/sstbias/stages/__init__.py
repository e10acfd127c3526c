"""File-to-file steps of the workflow, one module per stage (rule file).

Layer rule: stages/ is the top layer: it may import anything of the library (not cli or __main__), and nothing
in src/sstbias imports it (the workflow's scripts do).
"""
