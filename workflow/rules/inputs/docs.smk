"""Input functions of docs.smk: the provenance file beside each Markdown table (sstbias.evaluation.results_doc)."""

from sstbias.evaluation import results_doc  # noqa: E402


def provenance(table_md):
    """tables/<name>.provenance.json beside tables/<name>.md: the commit and rule that wrote the tables."""
    return results_doc.provenance_path(table_md)
