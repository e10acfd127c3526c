"""One deep model that takes the forecast lead as an input: pooled samples, the lead channel, the folder it writes."""

import json

import numpy as np
import pandas as pd
import pytest
import torch
from synthetic import aligned_dataset

from sstbias.data.normalise import fit_normaliser
from sstbias.data.split import chronological_split
from sstbias.deep.api import predict_deep_model, train_deep_model
from sstbias.deep.channels import LEAD_SCALE_DAYS
from sstbias.deep.data import PooledSamples, SequenceSamples
from sstbias.deep.folder import ModelFolder
from sstbias.deep.model_dir import read_model_dir
from sstbias.deep.settings import deep_settings
from sstbias.errors import ConfigError, InputDataError

SETTINGS = {"hidden_channels": 4, "sequence_length": 3, "iterations": 6, "eval_every": 3, "history_days": [2]}


@pytest.fixture(scope="module")
def leads():
    """Two leads' aligned data on the same days: lead 2's forecast is lead 0's warmed by 0.3 degC plus noise."""
    lead_0 = aligned_dataset(n_days=60, shape=(6, 5))
    lead_2 = lead_0.copy(deep=True)
    noise = np.random.default_rng(2).normal(0.0, 0.1, lead_0["forecast"].shape)
    lead_2["forecast"] = lead_0["forecast"] + 0.3 + noise
    split = chronological_split(pd.DatetimeIndex(lead_0["time"].values), 0.7, 0.15)
    return {0: lead_0, 2: lead_2}, split


def test_pooled_normaliser_spans_every_lead(leads):
    data, split = leads
    one = fit_normaliser(data[0], split["train"])
    pooled = fit_normaliser([data[0], data[2]], split["train"])
    ocean = data[0]["ocean_mask"].values == 1
    variables = ("forecast", "observation")
    values = [d[v].sel(time=split["train"]).values[:, ocean] for d in data.values() for v in variables]
    low, high = min(v.min() for v in values), max(v.max() for v in values)
    assert pooled.stats["forecast"] == {"offset": low, "scale": high - low} == pooled.stats["observation"]
    assert one.stats != pooled.stats and fit_normaliser([data[0]], split["train"]) == one


def test_pooled_samples_hold_every_lead_with_its_lead_channel(leads):
    data, split = leads
    normaliser = fit_normaliser(list(data.values()), split["train"])
    settings = deep_settings("convgru", SETTINGS)
    parts = {lead: SequenceSamples(d, normaliser, settings, lead=lead) for lead, d in data.items()}
    alone = SequenceSamples(data[0], normaliser, settings)
    pooled = PooledSamples(parts)
    assert pooled.in_channels == alone.in_channels + 1 == parts[0].in_channels
    windows = pooled.positions(split["validation"], strict=True)
    per_lead = {lead: part.positions(split["validation"], strict=True) for lead, part in parts.items()}
    assert len(windows) == sum(len(w) for w in per_lead.values())
    leads_of = pooled.leads_of(windows)
    assert list(leads_of) == [0] * len(per_lead[0]) + [2] * len(per_lead[2])
    inputs = pooled.inputs(windows)
    for lead, part in parts.items():
        mine = inputs[torch.from_numpy(leads_of == lead)]
        assert torch.equal(mine, part.inputs(per_lead[lead]))
        assert torch.all(mine[:, :, -1] == lead / LEAD_SCALE_DAYS)
        # the lead channel is the only addition: the rest is the unpooled sample's
        if lead == 0:
            assert torch.equal(mine[:, :, :-1], alone.inputs(per_lead[0]))
        assert torch.equal(pooled.targets(windows)[torch.from_numpy(leads_of == lead)], part.targets(per_lead[lead]))


def test_lead_input_model_trains_on_every_lead_and_corrects_only_those(leads, tmp_path):
    data, split = leads
    normaliser = fit_normaliser(list(data.values()), split["train"])
    history = train_deep_model("convgru", SETTINGS, data, split, normaliser, tmp_path)
    assert history and all(np.isfinite(row["val_rmse"]) for row in history)
    trained = read_model_dir(tmp_path)
    description = json.loads(ModelFolder(tmp_path).description.read_text())
    assert description["format_version"] == 4 and description["lead_input"] == {"leads": [0, 2], "scale_days": 7.0}
    assert trained.lead_input and trained.leads == [0, 2]
    by_lead = pd.read_csv(ModelFolder(tmp_path).validation_by_lead)
    assert list(by_lead["lead"]) == [0, 2] and (by_lead["validation_days"] > 0).all()
    assert np.isfinite(by_lead["val_rmse"]).all()
    test = split["test"]
    for lead in (0, 2):
        corrected = predict_deep_model(tmp_path, data[lead], test, lead=lead)
        ocean = data[0]["ocean_mask"].values == 1
        assert corrected.sizes["time"] == len(test) and np.isfinite(corrected.values[:, ocean]).all()
    assert not np.array_equal(
        predict_deep_model(tmp_path, data[0], test, lead=0).values,
        predict_deep_model(tmp_path, data[0], test, lead=2).values,
        equal_nan=True,
    )  # the lead channel reaches the output
    with pytest.raises(InputDataError, match="trained on leads 0, 2; lead 1 is not one of them"):
        predict_deep_model(tmp_path, data[0], test, lead=1)
    # the best validation RMSE of the log is the pooled one: a mean of the leads' squared errors
    days = by_lead["validation_days"]
    pooled = np.sqrt((by_lead["val_rmse"] ** 2 * days).sum() / days.sum())
    assert min(row["val_rmse"] for row in history) == pytest.approx(pooled, rel=1e-5)


def test_a_model_of_one_lead_is_written_as_before(leads, tmp_path):
    data, split = leads
    train_deep_model("convgru", SETTINGS, data[0], split, fit_normaliser(data[0], split["train"]), tmp_path)
    description = json.loads(ModelFolder(tmp_path).description.read_text())
    assert description["format_version"] == 3 and "lead_input" not in description
    assert not ModelFolder(tmp_path).validation_by_lead.exists() and read_model_dir(tmp_path).leads == [0]


def test_lead_input_refuses_a_climatology(leads, tmp_path):
    data, split = leads
    normaliser = fit_normaliser(list(data.values()), split["train"])
    with pytest.raises(ConfigError, match="models.convgru: residual_over: climatology(.|\n)*lead_models: lead_input"):
        train_deep_model("convgru", SETTINGS | {"residual_over": "climatology"}, data, split, normaliser, tmp_path)
