"""The budget curve's settings (defaults here and in the schema, checks naming the key), table and figure."""

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sstbias.config import check_config
from sstbias.errors import ConfigError
from sstbias.evaluation import budget_curve, figures
from sstbias.evaluation.budget_curve import BudgetSettings, budget_settings

REPO = Path(__file__).resolve().parents[1]
SCHEMA = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())
MODELS = {"raw": {}, "convgru_sa": {}, "convgru": {"batch_size": 8}}


def test_schema_documents_the_library_defaults():
    documented = SCHEMA["properties"]["budget"]["properties"]
    assert set(documented) == {f.name for f in dataclasses.fields(BudgetSettings)}
    defaults = dataclasses.asdict(BudgetSettings())
    assert {key: entry["default"] for key, entry in documented.items() if "default" in entry} == {
        key: value for key, value in defaults.items() if value is not None
    }
    assert documented["models"]["items"]["enum"] == ["convgru", "convlstm_at", "convgru_sa"]


def test_settings_resolve_the_models_in_the_papers_order_and_sort_the_points():
    settings = budget_settings({"models": MODELS, "budget": {"iterations": [600, 400]}})
    assert settings.models == ["convgru", "convgru_sa"] and settings.iterations == [400, 600]
    assert budget_settings({"models": MODELS, "budget": {"models": ["convgru_sa"]}}).models == ["convgru_sa"]
    # the default reaches 30x the samples of today's largest default budget (600 iterations of batch 4)
    assert max(BudgetSettings().iterations) >= 30 * 600


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        ({"models": ["convlstm_at"]}, "budget.models: 'convlstm_at' is not a deep model configured under models"),
        ({"iterations": [400, 630]}, r"budget.iterations: 630 is not a multiple of budget.eval_every \(50\)"),
        ({"iterations": [300], "eval_every": 200}, "budget.iterations: 300 is not a multiple"),
    ],
)
def test_bad_settings_name_the_key(budget, message):
    with pytest.raises(ConfigError, match=message):
        budget_settings({"models": MODELS, "budget": budget})


def test_check_config_checks_the_budget():
    from snakemake.utils import validate

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["budget"] = {"iterations": [401]}
    validate(config, str(REPO / "workflow" / "schemas" / "config.schema.yaml"))
    with pytest.raises(ConfigError, match="budget.iterations: 401"):
        check_config(config)


def write_point(folder: Path, name: str, rmse: float) -> Path:
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"rmse": rmse}))
    return path


def write_log(folder: Path, seed: int, val: list[float]) -> Path:
    path = folder / f"log_{seed}.csv"
    iterations = [2 * (i + 1) for i in range(len(val))]
    seconds = [3.0 * i for i in iterations]
    pd.DataFrame({"iteration": iterations, "val_rmse": val, "seconds": seconds}).to_csv(path, index=False)
    return path


def write_table(folder: Path, model: str, curve: tuple, references: dict, metrics: list | None = None) -> Path:
    """The budget table of ``model`` at points 2 and 4 (batch 4) into ``folder``; returns its CSV."""
    csv = folder / f"budget_{model}.csv"
    budget_curve.write_budget_table(
        model=model,
        iterations=[2, 4],
        batch_size=4,
        metrics=curve[0] if metrics is None else metrics,
        logs=curve[1],
        references=references,
        csv=csv,
        md=csv.with_suffix(".md"),
        title="budget curve on twin",
    )
    return csv


@pytest.fixture
def curve(tmp_path):
    """Two points (2, 4 iterations) of two seeds, raw 1.0 degC, LightGBM 0.8 (two seeds), floor 0.5."""
    metrics = [write_point(tmp_path, f"it{it}_seed{seed}", rmse) for it, rmses in ((2, (0.9, 0.7)), (4, (0.6, 0.6)))
               for seed, rmse in enumerate(rmses)]  # fmt: skip
    logs = [write_log(tmp_path, 0, [0.8, 0.9]), write_log(tmp_path, 1, [0.7, 0.5])]
    references = {
        "raw": [write_point(tmp_path, "raw", 1.0)],
        "lightgbm": [write_point(tmp_path, "lgb0", 0.7), write_point(tmp_path, "lgb1", 0.9)],
        "floor": [write_point(tmp_path, "floor", 0.5)],
    }
    return metrics, logs, references


def test_table_rows_per_point(curve, tmp_path):
    metrics, logs, references = curve
    assert budget_curve.reference_rmse(references) == pytest.approx({"raw": 1.0, "lightgbm": 0.8, "floor": 0.5})
    csv = write_table(tmp_path, "convgru", curve, references)
    table = pd.read_csv(csv)
    assert list(table["samples"]) == [8, 16] and list(table["seconds_mean"]) == [6.0, 12.0]
    assert list(table["rmse_mean"]) == pytest.approx([0.8, 0.6])
    assert list(table["gap_closed_mean"]) == pytest.approx([0.4, 0.8])  # (1.0 - rmse) / (1.0 - 0.5)
    assert table["rmse_sd"].iloc[1] == 0.0 and table["gap_closed_sd"].iloc[0] == pytest.approx(
        0.02**0.5 / 0.5, rel=1e-5
    )
    assert list(table["val_rmse_mean"]) == pytest.approx([0.75, 0.65])  # best up to the point, mean over seeds
    text = csv.with_suffix(".md").read_text()
    assert "| 2 | 8 | 6 | 0.800 ± 0.141 | 0.40 | 0.750 |" in text and "ConvGRU: budget curve on twin" in text


def test_points_and_seeds_must_match(curve, tmp_path):
    with pytest.raises(ValueError, match="3 metrics files for 2 points x 2 seeds"):
        write_table(tmp_path, "convgru", curve, curve[2], metrics=curve[0][:3])


@pytest.mark.parametrize("with_floor", [True, False], ids=["twin", "real data"])
def test_figure(curve, tmp_path, with_floor):
    references = curve[2] if with_floor else {"raw": curve[2]["raw"]}
    tables = [write_table(tmp_path, model, curve, references) for model in ("convgru", "convgru_sa")]
    figures.budget_figure(tables, references, tmp_path / "budget.png")
    assert (tmp_path / "budget.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
