"""The execution profiles: site settings of the SLURM profile come from the environment, its per-rule entries name
rules of the workflow, and the workflow profile loaded on top of it agrees."""

import re
from pathlib import Path

import pytest
from snakemake.cli import parse_set_resources
from snakemake.profiles import ProfileConfigFileParser

REPO = Path(__file__).resolve().parents[1]
SLURM = REPO / "profiles" / "slurm" / "config.v8+.yaml"
DEFAULT = REPO / "profiles" / "default" / "config.v8+.yaml"
SITE_VARIABLES = [
    "SSTBIAS_SLURM_PARTITION",
    "SSTBIAS_SLURM_GPU_PARTITION",
    "SSTBIAS_SLURM_ACCOUNT",
    "SSTBIAS_SLURM_GPUS",
    "SSTBIAS_SLURM_TRAIN_CPUS",
]


def load(profile: Path) -> dict:
    """The profile as Snakemake reads it: key -> value, or a list of NAME=VALUE / RULE:NAME=VALUE strings."""
    with profile.open() as stream:
        return dict(ProfileConfigFileParser().parse(stream))


@pytest.fixture
def site(monkeypatch):
    """Set some site variables (the others unset) and return the SLURM profile as Snakemake reads it."""

    def render(**variables: str) -> dict:
        for name in SITE_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return load(SLURM)

    return render


def test_unset_site_variables_leave_the_choice_to_slurm(site):
    profile = site()
    assert profile["executor"] == "slurm"
    assert not any(entry.startswith(("slurm_partition", "slurm_account")) for entry in profile["default-resources"])
    assert not any("slurm_partition" in entry for entry in profile["set-resources"])
    assert "train_deep:gpu=1" in profile["set-resources"]
    assert "train_deep=4" in profile["set-threads"]
    assert int(profile["retries"]) >= 1


def test_site_variables_set_partitions_account_gpus_and_cpus(site):
    profile = site(
        SSTBIAS_SLURM_PARTITION="cpu",
        SSTBIAS_SLURM_GPU_PARTITION="a100",
        SSTBIAS_SLURM_ACCOUNT="proj42",
        SSTBIAS_SLURM_GPUS="2",
        SSTBIAS_SLURM_TRAIN_CPUS="8",
    )
    assert {"slurm_partition='cpu'", "slurm_account='proj42'"} <= set(profile["default-resources"])
    for rule in ("train_deep", "train_iteration_grid"):
        assert {f"{rule}:slurm_partition='a100'", f"{rule}:gpu=2"} <= set(profile["set-resources"])
        assert f"{rule}=8" in profile["set-threads"]
    parsed = parse_set_resources(profile["set-resources"])  # Snakemake accepts every entry
    assert set(parsed) >= {"train_deep", "train_iteration_grid"}


def test_training_falls_back_to_the_general_partition(site):
    profile = site(SSTBIAS_SLURM_PARTITION="cpu", SSTBIAS_SLURM_GPUS="0")
    assert {"train_deep:slurm_partition='cpu'", "train_deep:gpu=0"} <= set(profile["set-resources"])


def test_per_rule_entries_name_rules_of_the_workflow(site):
    profile = site()
    rules = {
        name
        for smk in (REPO / "workflow" / "rules").glob("*.smk")
        for name in re.findall(r"^(?:rule|checkpoint|use rule \w+ as) (\w+)", smk.read_text(), re.M)
    }
    named = {entry.split(":")[0] for entry in profile["set-resources"]} | {
        entry.split("=")[0] for entry in profile["set-threads"]
    }
    assert named <= rules, named - rules


def test_slurm_settings_survive_the_workflow_profile(site):
    """Snakemake loads profiles/default on top of any --profile, its top-level keys winning."""
    slurm, default = site(), load(DEFAULT)
    effective = {**slurm, **default}
    assert {key: effective[key] for key in slurm} == slurm
    assert effective["latency-wait"] == "60" and effective["executor"] == "slurm"
    assert "cores" not in effective  # --cores caps every job's threads, cluster jobs included
