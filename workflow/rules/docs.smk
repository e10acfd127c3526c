"""docs/results.md from the workflow's own Markdown tables; a target of its own (not part of `rule all`).

    snakemake docs --cores 1     ->  docs/results.md (python -m sstbias.evaluation.results_doc)

It runs nothing else: it copies the tables of the results folders that exist, each with the commit recorded in
its provenance file (written by the rule that wrote the table), and lists the others as not run yet. Included
before the rule files, whose table rules name their provenance files with provenance().
"""


include: "inputs/docs.smk"


rule docs:
    """docs/results.md: every benchmark's Markdown tables, verbatim, with the commit that produced them."""
    log:
        log("docs", shared=True),
    localrule: True
    conda:
        "../../envs/data.yaml"
    params:
        document="docs/results.md",
    shell:
        "python -m sstbias.evaluation.results_doc --document {params.document} --root . > {log} 2>&1"
