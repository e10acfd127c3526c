from snakemake.utils import min_version

min_version("8.20")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/download.smk"
include: "workflow/rules/regrid.smk"
include: "workflow/rules/prepare.smk"
include: "workflow/rules/baselines.smk"
include: "workflow/rules/deep.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/budget_common.smk"
include: "workflow/rules/budget.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/grids.smk"
include: "workflow/rules/correct.smk"
include: "workflow/rules/ablation_common.smk"
include: "workflow/rules/ablation.smk"


rule all:
    default_target: True
    input:
        all_targets(),
        budget_targets(),
