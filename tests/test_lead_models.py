"""The choice of forecast.lead_models on validation: per-lead models against one lead-input model, side by side."""

from pathlib import Path

import pandas as pd

from sstbias.experiments import lead_models


def write_log(folder: Path, val_rmse: list[float], seconds: float) -> None:
    folder.mkdir(parents=True)
    rows = {"iteration": range(100, 100 * len(val_rmse) + 1, 100), "val_rmse": val_rmse}
    log = pd.DataFrame(rows | {"train_loss": 0.01, "lr": 0.001})
    log["seconds"] = [seconds * (i + 1) / len(val_rmse) for i in range(len(val_rmse))]
    log.to_csv(folder / "training_log.csv", index=False)


def test_comparison_reads_validation_only_and_names_the_better_way(tmp_path, capsys):
    per_lead, shared = tmp_path / "per_lead", tmp_path / "lead_input"
    for lead, best in ((0, 0.40), (2, 0.50)):
        write_log(per_lead / f"lead_{lead}" / "models" / "convgru" / "seed_0", [0.6, best, best + 0.01], 100.0)
    folder = shared / "lead_input" / "models" / "convgru" / "seed_0"
    write_log(folder, [0.6, 0.44], 150.0)
    pd.DataFrame({"lead": [0, 2], "validation_days": [29, 29], "val_rmse": [0.38, 0.46]}).to_csv(
        folder / "validation_by_lead.csv", index=False
    )

    report = lead_models.comparison(per_lead, shared)

    assert "| 0 | 0.400 | 0.380 | -0.020 |" in report and "| 2 | 0.500 | 0.460 | -0.040 |" in report
    assert "| mean | 0.450 | 0.420 | -0.030 |" in report
    assert "2 per-lead models 200 s in all, one lead-input model 150 s" in report
    assert "better on validation (mean over leads): lead input" in report
    assert "convgru_sa: no trained lead-input model" in report
    assert lead_models.main(["--per-lead", str(tmp_path / "absent"), "--lead-input", str(shared)]) == 1
    assert "training_log.csv: not found" in capsys.readouterr().err
