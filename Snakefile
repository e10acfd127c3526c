from snakemake.utils import min_version

min_version("8.20")


# config/config.yaml is the default experiment. A --configfile replaces it instead of being merged into it: the
# user's file says exactly what runs, the schema's defaults fill what it leaves out (README "Your own config").
# --config KEY=VALUE still changes single keys of whichever config is in use.
if not workflow.overwrite_configfiles:

    configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/docs.smk"
include: "workflow/rules/download.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/regrid.smk"
include: "workflow/rules/prepare.smk"
include: "workflow/rules/baselines.smk"
include: "workflow/rules/deep.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/budget.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/grids.smk"
include: "workflow/rules/correct.smk"
include: "workflow/rules/ablation.smk"
include: "workflow/rules/budget_curve.smk"
include: "workflow/rules/inputs/targets.smk"


rule all:
    default_target: True
    input:
        all_targets(),
        every_lead(budget_targets()),
