"""Scores against lead: each lead's Table 1 rows gathered (sstbias.evaluation.by_lead) and drawn."""

import pandas as pd
import pytest

from sstbias.evaluation.by_lead import by_lead_markdown, by_lead_table
from sstbias.evaluation.figures import rmse_by_lead


def lead_table(raw: float, model: float, floor: float) -> pd.DataFrame:
    rows = []
    for name, rmse in (("raw", raw), ("convgru", model), ("floor", floor)):
        improvement = None if name == "raw" else 100 * (raw - rmse) / raw
        gap = None if name in ("raw", "floor") else (raw - rmse) / (raw - floor)
        rows.append(
            {"model": name, "rmse": rmse, "rmse_ci_low": rmse - 0.02, "rmse_ci_high": rmse + 0.03,
             "improvement_pct": improvement, "improvement_ci_low": improvement, "improvement_ci_high": improvement,
             "gap_closed": gap, "mse": rmse**2}
        )  # fmt: skip
    return pd.DataFrame(rows)


def test_rows_per_model_and_lead_keep_each_leads_own_scores(tmp_path):
    tables = {3: lead_table(0.70, 0.55, 0.40), 0: lead_table(0.52, 0.40, 0.28)}
    table = by_lead_table(tables)
    assert list(table["model"]) == ["raw", "raw", "convgru", "convgru", "floor", "floor"]
    assert list(table["lead"]) == [0, 3, 0, 3, 0, 3]
    gru = table[table["model"] == "convgru"].set_index("lead")
    assert gru.loc[3, "gap_closed"] == pytest.approx(0.5) and gru.loc[0, "gap_closed"] == pytest.approx(0.5)
    assert gru.loc[3, "rmse_ci_high"] == pytest.approx(0.58)
    text = by_lead_markdown(table, 0.95)
    assert "lead 3: RMSE (°C) [95 %]" in text and "| ConvGRU | 0.400 [0.380 – 0.430] | 0.50 | 0.550" in text
    rmse_by_lead(table, tmp_path / "rmse_by_lead.png")
    assert (tmp_path / "rmse_by_lead.png").read_bytes()[:4] == b"\x89PNG"


def test_a_lead_table_without_intervals_is_named():
    broken = {1: lead_table(0.6, 0.5, 0.3).drop(columns="rmse_ci_low")}
    with pytest.raises(ValueError, match=r"lead 1: its metrics table lacks \['rmse_ci_low'\]"):
        by_lead_table(broken)
