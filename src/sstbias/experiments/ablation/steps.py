"""The deep models' ablation steps: each change of issue 14 added in turn, from the settings before it.

Steps (cumulative; :data:`STEPS`): ``before`` (the paper's inputs: forecast + ocean mask, residual over the
forecast, land 0, full attention, constant learning rate; baselines fitted on the training days) ->
``position`` (lat, lon channels) -> ``day_of_year`` (sin, cos channels) -> ``fair_protocol`` (baselines fitted
on train + validation; the deep models are unchanged, so this step reuses the previous step's trainings) ->
``residual_over_climatology`` -> ``land_masked`` -> ``attention_pool_recipe`` (attention_pool auto, at most 32x32
keys: 2x2 pooling on the default 51x51 grid, for the models whose settings have an attention pool (ConvGRU-SA);
for every model a linear warm-up over the first 10 % of the iterations, cosine decay and gradient clipping at
norm 1). Every other setting (sizes, iterations, learning rate) is the model's own config entry; where that entry
leaves out ``iterations``, its settings dataclass's default counts.

:mod:`sstbias.experiments.runs` asks these for the settings of ``ablation/<model>/<step>/seed_<n>`` and the days of
``ablation/climatology/<step>``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from sstbias.experiments import catalog
from sstbias.neural.blocks.attention_options import AUTO_POOL


@dataclass(frozen=True)
class Step:
    """One step: what it adds, its deep-setting overrides and the days the baselines fit on (None: as before)."""

    name: str
    adds: str
    overrides: dict = field(default_factory=dict)
    baseline_fit_days: str | None = None


# The ablated settings before issue 14; a key applies to the models whose settings class has it (attention_pool:
# ConvGRU-SA's).
BEFORE = {
    "static_channels": ["ocean_mask"],
    "daily_channels": [],
    "target": "residual",
    "residual_over": "forecast",
    "land": "zero",
    "warmup_iterations": 0,
    "lr_schedule": "constant",
    "grad_clip": 0.0,
    "attention_pool": 1,
}
# The last step's recipe, plus a linear warm-up over WARMUP_SHARE of the iterations.
RECIPE = {"lr_schedule": "cosine", "grad_clip": 1.0, "attention_pool": AUTO_POOL}
WARMUP_SHARE = 0.1

STEPS = (
    Step(
        "before",
        "paper inputs (forecast, ocean mask), residual over the forecast, land 0; baselines on train days",
        baseline_fit_days="train",
    ),
    Step("position", "+ lat, lon channels", {"static_channels": ["ocean_mask", "lat", "lon"]}),
    Step("day_of_year", "+ day-of-year sin, cos channels", {"daily_channels": ["doy_sin", "doy_cos"]}),
    Step("fair_protocol", "+ baselines fitted on train + validation", {}, "train_and_validation"),
    Step("residual_over_climatology", "+ residual over the climatology", {"residual_over": "climatology"}),
    Step("land_masked", "+ neutral land fill, ocean-only BatchNorm and attention keys", {"land": "masked"}),
    Step(
        "attention_pool_recipe",
        "+ attention_pool auto (<= 32x32 keys), lr warm-up + cosine decay, gradient clipping",
        {"recipe": True},
    ),
)
STEP_NAMES = tuple(step.name for step in STEPS)


def _index(step: str) -> int:
    if step not in STEP_NAMES:
        raise ValueError(f"unknown ablation step {step!r}; known: {list(STEP_NAMES)}")
    return STEP_NAMES.index(step)


def training_step(step: str) -> str:
    """The step whose trainings ``step`` uses: the latest at or before it that changes a deep setting."""
    index = _index(step)
    while index > 0 and not STEPS[index].overrides:
        index -= 1
    return STEPS[index].name


def training_steps() -> list[str]:
    """The steps that train (each deep model once per seed)."""
    return [step.name for step in STEPS if training_step(step.name) == step.name]


def step_settings(model: str, step: str, settings: dict) -> dict:
    """The settings of deep model ``model`` at ``step``: its config entry ``settings`` with the ablated keys as
    before the issue, then every step's overrides up to ``step`` (of each, the keys that the model's settings
    dataclass has)."""
    defaults = dataclasses.asdict(catalog.spec(model).settings())

    def own(overrides: dict) -> dict:
        return {key: value for key, value in overrides.items() if key in defaults}

    out = {**settings, **own(BEFORE)}
    for current in STEPS[: _index(step) + 1]:
        overrides = dict(current.overrides)
        if overrides.pop("recipe", False):
            iterations = out.get("iterations", defaults["iterations"])
            overrides |= own(RECIPE) | {"warmup_iterations": int(WARMUP_SHARE * iterations)}
        out |= overrides
    return out


def protocol_steps() -> list[str]:
    """The steps that set the days the baselines fit on (one climatology run each: ``ablation/climatology/<step>``)."""
    return [step.name for step in STEPS if step.baseline_fit_days is not None]


def step_fit_days(step: str) -> str:
    """The days the baselines fit on at ``step`` (the protocol holds from its step on)."""
    return [s.baseline_fit_days for s in STEPS[: _index(step) + 1] if s.baseline_fit_days is not None][-1]
