"""Cheaper training samples with the same math: the fast recurrences, bfloat16 autocast, the weight average, and
the history channels that give the networks a memory beyond their window."""

import numpy as np
import pandas as pd
import pytest
import torch
from synthetic import aligned_dataset

from sstbias import config
from sstbias.config import check_deep_settings
from sstbias.data.normalise import fit_normaliser
from sstbias.data.split import chronological_split
from sstbias.deep import device as devices
from sstbias.deep import settings as deep_settings_module
from sstbias.deep.api import predict_deep_model, train_deep_model
from sstbias.deep.data import SequenceSamples
from sstbias.deep.model_dir import read_model_dir
from sstbias.deep.networks import build_network
from sstbias.deep.settings import cpu_has_bfloat16, deep_settings
from sstbias.deep.trainer import WeightAverage, forward
from sstbias.errors import ConfigError, InputDataError
from sstbias.experiments import catalog

SMALL = {"hidden_channels": 6, "front_channels": 4, "attention_channels": 3, "sequence_length": 4}


def network(name: str, implementation: str, **extra) -> torch.nn.Module:
    torch.manual_seed(3)
    known = deep_settings(name, {}).to_dict()
    settings = {k: v for k, v in {**SMALL, **extra}.items() if k in known}
    model = build_network(name, 3, {**settings, "implementation": implementation})
    for module in model.modules():  # a trained-like attention gate, so the attention's output counts
        if hasattr(module, "gamma"):
            module.gamma.data.fill_(0.7)
    return model


@pytest.mark.parametrize("name", catalog.DEEP_MODELS)
@pytest.mark.parametrize("masked", [False, True])
def test_fast_recurrence_equals_the_reference(name, masked):
    """The fast path (zero initial state skipped) gives the reference's outputs and gradients."""
    torch.manual_seed(0)
    x = torch.randn(2, 4, 3, 9, 7)
    ocean = torch.rand(9, 7) > 0.3 if masked else None
    results = []
    for implementation in ("reference", "fast"):
        model = network(name, implementation, attention_pool=2)
        output = model(x, ocean)
        output.square().mean().backward()
        results.append((output.detach(), {k: p.grad.clone() for k, p in model.named_parameters()}))
    (reference, reference_grads), (fast, fast_grads) = results
    torch.testing.assert_close(fast, reference, atol=1e-6, rtol=1e-5)
    for key, grad in reference_grads.items():
        torch.testing.assert_close(fast_grads[key], grad, atol=1e-6, rtol=1e-5, msg=key)


def test_fast_convgru_is_bit_for_bit_the_reference():
    """For ConvGRU the skipped products are exact zeros: the outputs are identical, not just close."""
    x = torch.randn(3, 4, 3, 8, 8)
    assert torch.equal(network("convgru", "fast")(x), network("convgru", "reference")(x))


def test_float32_forward_is_the_plain_call():
    model, x = network("convgru_sa", "fast").eval(), torch.randn(2, 4, 3, 8, 8)
    assert torch.equal(forward(model, x, None, None), model(x))


@pytest.mark.skipif(not devices.native_bfloat16(torch.device("cpu")), reason="this CPU has no native bfloat16")
def test_bfloat16_autocast_stays_close_and_keeps_the_attention_in_float32():
    model, x = network("convgru_sa", "fast").eval(), torch.randn(2, 4, 3, 8, 8)
    with torch.no_grad():
        full = forward(model, x, None, None)
        half = forward(model, x, None, torch.bfloat16)
    assert half.dtype == torch.float32
    assert (half - full).abs().max() < 0.05 * full.abs().max()


def test_precision_resolution(monkeypatch):
    cpu = torch.device("cpu")
    assert devices.autocast_dtype("float32", cpu) is None
    native = devices.native_bfloat16(cpu)
    assert devices.autocast_dtype("auto", cpu) == (torch.bfloat16 if native else None)
    monkeypatch.setattr(devices, "native_bfloat16", lambda device: False)
    assert devices.autocast_dtype("auto", cpu) is None
    with pytest.raises(ConfigError, match=r"^models\.convgru\.precision: bfloat16 needs"):
        devices.autocast_dtype("bfloat16", cpu, "models.convgru.precision")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"precision": "half"}, r"models\.convgru\.precision: must be one of"),
        ({"implementation": "jit"}, r"models\.convgru\.implementation: must be one of"),
        ({"ema_decay": 1.0}, r"models\.convgru\.ema_decay: must be a number in \[0, 1\)"),
        ({"history_days": [0]}, r"models\.convgru\.history_days: must hold positive integers"),
        ({"history_days": 7}, r"models\.convgru\.history_days: must be a list"),
        ({"history_days": [400]}, r"models\.convgru\.history_days: an input window of 405 days"),
    ],
)
def test_bad_new_settings_name_the_key(settings, message):
    with pytest.raises(ConfigError, match=message):
        check_deep_settings("convgru", settings, n_train=292)


def test_weight_average_warms_up_then_decays():
    model = torch.nn.Linear(1, 1, bias=False)
    model.weight.data.fill_(0.0)
    average = WeightAverage(model, decay=0.9)
    model.weight.data.fill_(1.0)
    average.update(model)  # decay min(0.9, 2 / 11): the average moves most of the way at once
    assert average.model.weight.item() == pytest.approx(1 - 2 / 11)
    for _ in range(200):
        average.update(model)
    assert average.model.weight.item() == pytest.approx(1.0, abs=1e-6)


@pytest.fixture(scope="module")
def setup():
    data = aligned_dataset(n_days=90, shape=(10, 8))
    split = chronological_split(pd.DatetimeIndex(data["time"].values), 0.8, 0.15)
    return data, split, fit_normaliser(data, split["train"])


PLAN = {"hidden_channels": 4, "sequence_length": 3, "lr": 0.01, "seed": 5, "device": "cpu", "eval_every": 2}


def test_averaged_weights_are_kept_and_resume_exactly(setup, tmp_path):
    data, split, normaliser = setup
    plan = {**PLAN, "ema_decay": 0.8, "checkpoint_every": 4}
    whole = train_deep_model("convgru", {**plan, "iterations": 8}, data, split, normaliser, tmp_path / "whole")
    train_deep_model("convgru", {**plan, "iterations": 4}, data, split, normaliser, tmp_path / "split")
    resumed = train_deep_model("convgru", {**plan, "iterations": 8}, data, split, normaliser, tmp_path / "split")
    assert [r["val_rmse"] for r in whole] == pytest.approx([r["val_rmse"] for r in resumed], rel=1e-5)
    plain = train_deep_model("convgru", {**PLAN, "iterations": 8}, data, split, normaliser, tmp_path / "plain")
    assert [r["train_loss"] for r in plain] == pytest.approx([r["train_loss"] for r in whole], rel=1e-5)
    assert [r["val_rmse"] for r in plain] != pytest.approx([r["val_rmse"] for r in whole], rel=1e-5)


def test_history_channels(setup):
    data, split, normaliser = setup
    settings = deep_settings("convgru", {**PLAN, "history_days": [1, 7]})
    samples = SequenceSamples(data, normaliser, settings)
    assert samples.in_channels == 1 + 3 + 2 and settings.input_window_days == 10
    forecast = samples.forecast.double()
    day = 20
    for k, span in enumerate((1, 7)):
        expected = forecast[day] - forecast[day - span : day].mean(dim=0)
        torch.testing.assert_close(samples.history[day, k].double(), expected, atol=1e-6, rtol=1e-5)
    windows = samples.positions(samples.days, strict=False)
    assert len(windows) == len(samples.days) - 9  # the first 9 days lack their 7-day history
    batch = samples.inputs(windows[:2])
    assert batch.shape == (2, 3, 6, 10, 8)
    torch.testing.assert_close(batch[0, -1, 4:], samples.history[windows[0, -1]])
    with pytest.raises(InputDataError, match="10-day input window is not complete"):
        samples.positions(samples.days[:5], strict=True)


def test_history_model_folder_records_its_window(setup, tmp_path):
    data, split, normaliser = setup
    train_deep_model("convgru", {**PLAN, "history_days": [3], "iterations": 2}, data, split, normaliser, tmp_path)
    assert read_model_dir(tmp_path).window == 6
    corrected = predict_deep_model(tmp_path, data, split["test"])
    ocean = data["ocean_mask"].values == 1
    assert np.isfinite(corrected.values[:, ocean]).all()


def test_bfloat16_on_a_cpu_without_it_fails_before_any_job(tmp_path, monkeypatch):
    flags = tmp_path / "cpuinfo"
    flags.write_text("flags\t\t: fpu sse avx2 avx512f\n")
    assert not cpu_has_bfloat16(str(flags))
    flags.write_text("flags\t\t: fpu avx512f avx512_bf16\n")
    assert cpu_has_bfloat16(str(flags))
    monkeypatch.setattr(deep_settings_module, "cpu_has_bfloat16", lambda: False)
    with pytest.raises(ConfigError, match=r"^models\.convgru_sa\.precision: bfloat16 on device cpu needs"):
        config.check_deep_settings("convgru_sa", {"precision": "bfloat16", "device": "cpu"}, n_train=292)
    config.check_deep_settings("convgru_sa", {"precision": "auto", "device": "cpu"}, n_train=292)


@pytest.mark.skipif(not devices.native_bfloat16(torch.device("cpu")), reason="this CPU has no native bfloat16")
@pytest.mark.parametrize("name", catalog.DEEP_MODELS)
def test_masked_networks_train_under_bfloat16(name):
    """Masked BatchNorm keeps float32 statistics under autocast (its running buffers are float32)."""
    model = network(name, "fast").train()
    ocean = torch.rand(8, 8) > 0.3
    output = forward(model, torch.randn(2, 4, 3, 8, 8), ocean, torch.bfloat16)
    output.square().mean().backward()
    assert output.dtype == torch.float32 and torch.isfinite(output).all()
