"""The ablation's steps (cumulative settings, the protocol step reusing trainings) and its rendering into docs."""

import pytest

from sstbias.experiments.ablation import document
from sstbias.experiments.ablation import steps as ablation


def test_steps_add_one_change_each():
    own = {"hidden_channels": 16, "iterations": 400, "lr": 0.001, "static_channels": ["ocean_mask", "lat", "lon"]}
    before = ablation.step_settings("convgru_sa", "before", own)
    assert before["static_channels"] == ["ocean_mask"] and before["daily_channels"] == []
    assert before["residual_over"] == "forecast" and before["land"] == "zero" and before["attention_pool"] == 1
    assert before["hidden_channels"] == 16 and before["lr"] == 0.001  # the model's own entry otherwise
    changed = []
    for previous, step in zip(ablation.STEP_NAMES, ablation.STEP_NAMES[1:], strict=False):
        a, b = ablation.step_settings("convgru_sa", previous, own), ablation.step_settings("convgru_sa", step, own)
        changed.append(sorted(key for key in b if a.get(key) != b.get(key)))
    assert changed == [
        ["static_channels"],
        ["daily_channels"],
        [],
        ["residual_over"],
        ["land"],
        ["attention_pool", "grad_clip", "lr_schedule", "warmup_iterations"],
    ]
    last = ablation.step_settings("convgru_sa", "attention_pool_recipe", own)
    assert last["warmup_iterations"] == 40 and last["attention_pool"] == "auto"
    assert "attention_pool" not in ablation.step_settings("convgru", "attention_pool_recipe", own)


def test_the_warm_up_share_reads_the_settings_default_without_configured_iterations():
    """A config entry without ``iterations`` warms up over 10 % of the settings dataclass's default (1000)."""
    for model in ("convgru", "convgru_sa"):
        assert ablation.step_settings(model, "attention_pool_recipe", {})["warmup_iterations"] == 100


def test_protocol_step_reuses_the_previous_trainings():
    assert ablation.training_step("fair_protocol") == "day_of_year"
    assert "fair_protocol" not in ablation.training_steps()
    assert [ablation.step_fit_days(step) for step in ablation.STEP_NAMES] == ["train"] * 3 + [
        "train_and_validation"
    ] * 4


def test_render_into_replaces_only_the_marked_block(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text(f"intro\n{document.START}\nold table\n{document.END}\nafter\n")
    table = tmp_path / "ablation.md"
    table.write_text("| step | x |\n|---|---|\n| before | 0.300 |\n")
    document.main([str(doc), str(table), "--provenance", "from commit abc"])
    text = doc.read_text()
    assert text.startswith("intro\n") and text.endswith(f"{document.END}\nafter\n")
    assert "old table" not in text and "| before | 0.300 |" in text and "from commit abc" in text
    doc.write_text("no markers")
    with pytest.raises(ValueError, match="no ablation markers"):
        document.render_into(doc, [table], "x")
