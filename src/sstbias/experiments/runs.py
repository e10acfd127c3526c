"""Run names: one fit of a model, and what it changes in the model's settings. Parsed here and nowhere else.

A run name is a path below ``models/``, ``predictions/`` and ``metrics/``:

- ``<model>``: a deterministic model's one run (``raw``, ``climatology``, ``quantile_mapping``, ``floor``);
- ``<model>/seed_<n>``: a seeded model's run with seed n;
- ``grid/<model>/lr_<lr>/seed_<n>``: a learning-rate grid point, the model trained with learning rate ``lr``;
- ``grid/<model>/iterations/seed_<n>``: the iteration grid's training, which keeps the weights at the grid's
  iterations (``models/<run>/weights/iter_<NNNNNN>.pt``);
- ``grid/<model>/it_<NNNNNN>/seed_<n>``: an iteration grid point, the weights of that training at an iteration;
- ``ablation/<model>/<step>/seed_<n>``: a deep model trained with the settings of an ablation step
  (:mod:`sstbias.experiments.ablation`), and ``ablation/climatology/<step>``: the climatology fitted on the days of a
  step that sets the baselines' protocol;
- ``budget/<model>/training/seed_<n>``: the budget curve's training of a deep model
(:mod:`sstbias.evaluation.budget_curve`),
  which keeps at each of the curve's iterations the weights selected on validation so far
  (``models/<run>/weights/best_<NNNNNN>.pt``);
- ``budget/<model>/it_<NNNNNN>/seed_<n>``: a budget point, that training's selected weights at an iteration.

:class:`RunPatterns` gives the regular expressions of these names that the workflow's rules serve (their ``run``
wildcard constraints); they let any text through where a name's value is parsed here, so a bad one is named.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sstbias.errors import ConfigError
from sstbias.experiments import catalog

ABLATION_BASELINE = "climatology"  # the baseline of the ablation table, one run per protocol step
_SEEDED = re.compile(r"(?P<model>[a-z_]+)/seed_(?P<seed>\d+)")
_GRID = re.compile(r"grid/(?P<model>[a-z_]+)/(?P<point>[^/]+)/seed_(?P<seed>\d+)")
_ABLATION = re.compile(r"ablation/(?P<model>[a-z_]+)/(?P<step>[a-z_]+)(/seed_(?P<seed>\d+))?")
_BUDGET = re.compile(r"budget/(?P<model>[a-z_]+)/(?P<point>[^/]+)/seed_(?P<seed>\d+)")


def lr_name(lr: float) -> str:
    """The text of learning rate ``lr`` in a run name: short (``0.004``, ``1e-05``) and read back exactly."""
    short = f"{lr:g}"
    return short if float(short) == lr else repr(float(lr))


def iteration_name(iteration: int) -> str:
    """The text of an iteration grid point: ``it_000200``."""
    return f"it_{iteration:06d}"


@dataclass(frozen=True)
class Run:
    """One fit of ``model``: its seed (None for a deterministic model) and, for a grid run, the grid's kind
    (``lr``, ``iterations``, ``it``, ``ablation``, ``budget`` or ``budget_it``) and the point's value (the learning
    rate, the iteration of ``it`` or ``budget_it``, or the ablation step)."""

    model: str
    seed: int | None = None
    grid: str | None = None
    value: float | int | str | None = None

    @property
    def name(self) -> str:
        if self.grid == "ablation":
            return f"ablation/{self.model}/{self.value}" + ("" if self.seed is None else f"/seed_{self.seed}")
        if self.grid is None:
            return self.model if self.seed is None else f"{self.model}/seed_{self.seed}"
        if self.grid in ("budget", "budget_it"):
            point = "training" if self.grid == "budget" else iteration_name(self.value)
            return f"budget/{self.model}/{point}/seed_{self.seed}"
        if self.grid == "lr":
            point = f"lr_{lr_name(self.value)}"
        else:
            point = "iterations" if self.grid == "iterations" else iteration_name(self.value)
        return f"grid/{self.model}/{point}/seed_{self.seed}"

    def overrides(self, grid_iterations: Sequence[int], budget: Mapping | None = None) -> dict:
        """What the run changes in the model's configured settings: its seed, and a grid point's learning rate,
        or the length and kept iterations of the iteration grid (``grid_iterations``) or of the budget curve
        (``budget``, the config's ``budget`` section: its ``iterations`` and, so that every point is validated,
        its ``eval_every``)."""
        changed = {} if self.seed is None else {"seed": self.seed}
        if self.grid == "lr":
            changed["lr"] = self.value
        if self.grid in ("iterations", "it"):
            changed |= {"iterations": max(grid_iterations), "checkpoint_at": sorted(grid_iterations)}
        if self.grid in ("budget", "budget_it"):
            points = sorted(budget["iterations"])
            changed |= {"iterations": points[-1], "checkpoint_at": points, "eval_every": budget["eval_every"]}
        return changed

    def settings(self, configured: dict, grid_iterations: Sequence[int], budget: Mapping | None = None) -> dict:
        """The run's settings: the model's configured settings ``configured`` with the run's overrides, or for an
        ablation run those of its step (:func:`sstbias.experiments.ablation.step_settings`) and its seed."""
        if self.grid == "ablation":
            from sstbias.experiments.ablation.steps import step_settings

            return step_settings(self.model, self.value, configured) | {"seed": self.seed}
        return configured | self.overrides(grid_iterations, budget)

    def fit_days(self, configured: str) -> str:
        """The days a baseline run fits on: config ``baseline_fit_days`` (``configured``), or its ablation step's."""
        if self.grid == "ablation":
            from sstbias.experiments.ablation.steps import step_fit_days

            return step_fit_days(self.value)
        return configured

    @property
    def training(self) -> Run:
        """The run whose training produced this run's weights (itself, except for an iteration grid or budget
        point)."""
        training = {"it": "iterations", "budget_it": "budget"}
        return Run(self.model, self.seed, training[self.grid]) if self.grid in training else self


def parse_run(text: str) -> Run:
    """The run named ``text``; ConfigError naming the run wildcard and what does not parse."""
    if ablated := _ABLATION.fullmatch(text):
        return _ablation_run(text, ablated["model"], ablated["step"], ablated["seed"])
    if budget := _BUDGET.fullmatch(text):
        return _budget_run(text, budget["model"], budget["point"], int(budget["seed"]))
    if seeded := _SEEDED.fullmatch(text):
        return Run(seeded["model"], int(seeded["seed"]))
    if re.fullmatch(r"[a-z_]+", text):
        return Run(text)
    grid = _GRID.fullmatch(text)
    if grid is None:
        raise ConfigError(f"run {text!r}: not a run name (<model>, <model>/seed_<n> or grid/<model>/<point>/seed_<n>)")
    run = _grid_run(grid["model"], grid["point"], int(grid["seed"]))
    if run is None:
        raise ConfigError(
            f"run {text!r}: grid point {grid['point']!r} does not parse "
            "(lr_<learning rate > 0>, iterations or it_<iteration >= 1, six digits>)"
        )
    if run.name != text:
        raise ConfigError(f"run {text!r}: write this grid point as {run.name!r}")
    return run


def _ablation_run(text: str, model: str, step: str, seed: str | None) -> Run:
    from sstbias.experiments.ablation.steps import STEP_NAMES, protocol_steps

    if model == ABLATION_BASELINE:
        if seed is not None or step not in protocol_steps():
            raise ConfigError(f"run {text!r}: write the ablation's climatology as ablation/climatology/<step> with a "
                              f"step among {protocol_steps()}")  # fmt: skip
        return Run(model, None, "ablation", step)
    if step not in STEP_NAMES or seed is None:
        raise ConfigError(f"run {text!r}: an ablation run is ablation/<model>/<step>/seed_<n>, step among "
                          f"{list(STEP_NAMES)}")  # fmt: skip
    return Run(model, int(seed), "ablation", step)


def _budget_run(text: str, model: str, point: str, seed: int) -> Run:
    if point == "training":
        return Run(model, seed, "budget")
    value = point.removeprefix("it_")
    run = Run(model, seed, "budget_it", int(value)) if value.isdigit() and int(value) > 0 else None
    if run is None or run.name != text:
        raise ConfigError(f"run {text!r}: a budget run is budget/<model>/training/seed_<n> or "
                          "budget/<model>/it_<iteration >= 1, six digits>/seed_<n>")  # fmt: skip
    return run


def _grid_run(model: str, point: str, seed: int) -> Run | None:
    if point == "iterations":
        return Run(model, seed, "iterations")
    kind, _, value = point.partition("_")
    try:
        if kind == "lr" and math.isfinite(lr := float(value)) and lr > 0:
            return Run(model, seed, "lr", lr)
    except ValueError:
        return None
    if kind == "it" and value.isdigit() and int(value) > 0:
        return Run(model, seed, "it", int(value))
    return None


def _alternatives(patterns: Sequence[str]) -> str:
    """One regular expression matching any of ``patterns``; one that matches nothing when there is none."""
    return "|".join(patterns) or "$^"


@dataclass(frozen=True)
class RunPatterns:
    """The regular expressions of the run names of a workflow that trains the baselines ``baselines`` and the deep
    models ``deep_models`` (any seed, grid point, ablation step or budget point), one per rule family."""

    baselines: tuple[str, ...]
    deep_models: tuple[str, ...]

    @staticmethod
    def ordinary(models: Sequence[str]) -> str:
        """The ordinary runs of ``models``: ``<model>`` or, for a seeded model, ``<model>/seed_<n>``."""
        seeded = [m for m in models if m in catalog.SEEDED_MODELS]
        single = [m for m in models if m not in catalog.SEEDED_MODELS]
        return "|".join(single + ([rf"({'|'.join(seeded)})/seed_\d+"] if seeded else []))

    @staticmethod
    def ablation(models: Sequence[str]) -> str:
        """The ablation runs of ``models``, any step (and seed for a seeded model)."""
        seeded = [m for m in models if m in catalog.SEEDED_MODELS]
        single = [m for m in models if m not in catalog.SEEDED_MODELS]
        patterns = [rf"ablation/({'|'.join(seeded)})/[a-z_]+/seed_\d+"] if seeded else []
        patterns += [rf"ablation/({'|'.join(single)})/[a-z_]+"] if single else []
        return _alternatives(patterns)

    def grid(self, *kinds: str) -> str:
        """The grid runs of the deep models of the ``kinds`` (``lr``, ``iterations``, ``it``), any value."""
        points = {"lr": r"lr_[^/]+", "iterations": "iterations", "it": r"it_[^/]+"}
        models, kinds = "|".join(self.deep_models), "|".join(points[k] for k in kinds)
        return _alternatives([rf"grid/({models})/({kinds})/seed_\d+"] if models else [])

    def budget(self, kind: str) -> str:
        """The budget curve's runs of the deep models: their trainings (``training``) or points (``it``)."""
        point = {"training": "training", "it": r"it_[^/]+"}[kind]
        models = "|".join(self.deep_models)
        return _alternatives([rf"budget/({models})/{point}/seed_\d+"] if models else [])

    @property
    def any(self) -> str:
        """Every run the workflow predicts and evaluates (the global constraint; a training rule has its own)."""
        ordinary = self.ordinary([*self.baselines, *self.deep_models, *catalog.ORACLES])
        ablation = self.ablation([*self.deep_models, ABLATION_BASELINE])
        return f"{ordinary}|{self.grid('lr', 'it')}|{ablation}|{self.budget('it')}"

    @property
    def baseline(self) -> str:
        """The runs of train_baseline and predict_baseline: the baselines' and the ablation's climatology."""
        return f"{self.ordinary(self.baselines)}|{self.ablation([ABLATION_BASELINE])}"

    @property
    def deep(self) -> str:
        """The runs of train_deep and predict_deep: the deep models' seeds, learning-rate points, ablation steps."""
        return f"{self.ordinary(self.deep_models)}|{self.grid('lr')}|{self.ablation(self.deep_models)}"

    @property
    def corrected(self) -> str:
        """The runs whose models correct new forecast files: the deep models' seeds."""
        return self.ordinary(self.deep_models)
