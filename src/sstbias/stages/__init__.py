"""File-to-file steps of the workflow, one module per stage (rule file)."""
