"""Run names: parsed in one place, written back the same, and what a run changes in its model's settings."""

import re

import pytest

from sstbias.errors import ConfigError
from sstbias.experiments.runs import Run, RunPatterns, lr_name, parse_run


@pytest.mark.parametrize(
    ("text", "run"),
    [
        ("raw", Run("raw")),
        ("convgru/seed_1", Run("convgru", 1)),
        ("grid/convgru/lr_0.004/seed_0", Run("convgru", 0, "lr", 0.004)),
        ("grid/convgru_sa/lr_1e-05/seed_2", Run("convgru_sa", 2, "lr", 1e-5)),
        ("grid/convgru/iterations/seed_0", Run("convgru", 0, "iterations")),
        ("grid/convgru/it_000200/seed_3", Run("convgru", 3, "it", 200)),
        ("ablation/convgru_sa/land_masked/seed_1", Run("convgru_sa", 1, "ablation", "land_masked")),
        ("ablation/climatology/fair_protocol", Run("climatology", None, "ablation", "fair_protocol")),
        ("budget/convlstm_at/training/seed_1", Run("convlstm_at", 1, "budget")),
        ("budget/convgru/it_018000/seed_0", Run("convgru", 0, "budget_it", 18000)),
    ],
)
def test_run_names_parse_and_write_back(text, run):
    assert parse_run(text) == run
    assert run.name == text


def test_overrides_of_each_kind_of_run():
    iterations = [400, 200]
    assert Run("raw").overrides(iterations) == {}
    assert Run("convgru", 1).overrides(iterations) == {"seed": 1}
    assert Run("convgru", 0, "lr", 0.008).overrides(iterations) == {"seed": 0, "lr": 0.008}
    kept = {"seed": 0, "iterations": 400, "checkpoint_at": [200, 400]}
    assert Run("convgru", 0, "iterations").overrides(iterations) == kept
    assert Run("convgru", 0, "it", 200).training == Run("convgru", 0, "iterations")
    budget = {"seed": 1, "iterations": 2400, "checkpoint_at": [600, 2400], "eval_every": 100}
    assert Run("convgru", 1, "budget").overrides(iterations, {"iterations": [2400, 600], "eval_every": 100}) == budget
    assert Run("convgru", 1, "budget_it", 600).training == Run("convgru", 1, "budget")


def test_settings_and_fit_days_of_ablation_runs():
    """An ablation run takes its step's settings (sstbias.experiments.ablation.steps) and seed; its climatology the
    step's
    days."""
    from sstbias.experiments.ablation import steps as ablation

    own = {"hidden_channels": 4, "iterations": 100, "lr": 0.01}
    run = Run("convgru", 2, "ablation", "attention_pool_recipe")
    expected = ablation.step_settings("convgru", "attention_pool_recipe", own) | {"seed": 2}
    assert run.settings(own, [400]) == expected
    assert expected["lr_schedule"] == "cosine" and expected["warmup_iterations"] == 10
    assert Run("convgru", 1).settings(own, [400]) == own | {"seed": 1}
    assert Run("climatology", None, "ablation", "before").fit_days("train_and_validation") == "train"
    assert Run("climatology", None, "ablation", "fair_protocol").fit_days("train") == "train_and_validation"
    assert Run("climatology").fit_days("train") == "train"


def test_learning_rate_names_read_back_exactly():
    for lr in (0.008, 0.0005, 1e-5, 0.0012345678, 1.0):
        assert float(lr_name(lr)) == lr
    assert lr_name(0.008) == "0.008" and lr_name(0.0012345678) == "0.0012345678"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("grid/convgru/lr_abc/seed_0", "grid point 'lr_abc' does not parse"),
        ("grid/convgru/lr_-0.1/seed_0", "does not parse"),
        ("grid/convgru/lr_nan/seed_0", "does not parse"),
        ("grid/convgru/it_0/seed_0", "does not parse"),
        ("grid/convgru/depth_3/seed_0", "grid point 'depth_3' does not parse"),
        ("grid/convgru/it_200/seed_0", "write this grid point as 'grid/convgru/it_000200/seed_0'"),
        ("grid/convgru/lr_0.0040/seed_0", "write this grid point as 'grid/convgru/lr_0.004/seed_0'"),
        ("ablation/convgru/depth/seed_0", "an ablation run is ablation/<model>/<step>/seed_<n>"),
        ("ablation/convgru/before", "an ablation run is ablation/<model>/<step>/seed_<n>"),
        ("ablation/climatology/position", "write the ablation's climatology as ablation/climatology/<step>"),
        ("budget/convgru/it_600/seed_0", "a budget run is budget/<model>/training/seed_<n> or"),
        ("budget/convgru/iterations/seed_0", "a budget run is"),
        ("convgru/seed_x", "not a run name"),
        ("Convgru", "not a run name"),
    ],
)
def test_bad_run_names_are_config_errors_naming_the_run(text, message):
    with pytest.raises(ConfigError, match=re.escape(message)) as raised:
        parse_run(text)
    assert str(raised.value).startswith(f"run {text!r}: ")


def test_run_patterns_serve_each_run_by_its_rules():
    """Each rule family's run wildcard matches the names of its runs and none of another family's."""
    patterns = RunPatterns(("raw", "lightgbm"), ("convgru",))
    served = {
        "baseline": ["raw", "lightgbm/seed_3", "ablation/climatology/validation_protocol"],
        "deep": ["convgru/seed_0", "grid/convgru/lr_0.004/seed_1", "ablation/convgru/land_masked/seed_2"],
        "grid_training": ["grid/convgru/iterations/seed_0"],
        "grid_point": ["grid/convgru/it_000200/seed_0"],
        "budget_training": ["budget/convgru/training/seed_1"],
        "budget_point": ["budget/convgru/it_000400/seed_1"],
    }
    family = {
        "baseline": patterns.baseline,
        "deep": patterns.deep,
        "grid_training": patterns.grid("iterations"),
        "grid_point": patterns.grid("it"),
        "budget_training": patterns.budget("training"),
        "budget_point": patterns.budget("it"),
    }
    for name, pattern in family.items():
        for other, names in served.items():
            assert all(bool(re.fullmatch(pattern, run)) == (other == name) for run in names), (name, other)
    evaluated = [run for kind in ("baseline", "deep", "grid_point", "budget_point") for run in served[kind]]
    assert all(re.fullmatch(patterns.any, run) for run in [*evaluated, "floor", "static_oracle"])
    assert re.fullmatch(patterns.corrected, "convgru/seed_0") and not re.fullmatch(patterns.corrected, "raw")
    assert not re.fullmatch(patterns.any, "random_forest/seed_0")  # not a model of this workflow


def test_run_patterns_without_deep_models_match_no_deep_run():
    patterns = RunPatterns(("raw",), ())
    for pattern in (patterns.grid("lr", "it"), patterns.grid("iterations"), patterns.budget("training")):
        assert pattern == "$^"  # matches nothing (an empty pattern would match an empty run name)
    assert re.fullmatch(patterns.any, "raw") and not re.fullmatch(patterns.any, "convgru/seed_0")
