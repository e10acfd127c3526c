"""The deep models' inputs, targets, land handling, pooled attention and training recipe."""

import numpy as np
import pandas as pd
import pytest
import torch
from synthetic import aligned_dataset

from sstbias.baselines.climatology import Climatology
from sstbias.baselines.protocol import baseline_fit_days
from sstbias.data.normalise import fit_normaliser
from sstbias.data.split import chronological_split
from sstbias.deep.api import predict_deep_model, train_deep_model
from sstbias.deep.channels import calendar_values
from sstbias.deep.data import SequenceSamples
from sstbias.deep.model_dir import read_model_dir
from sstbias.deep.networks import build_network
from sstbias.deep.schedule import learning_rate
from sstbias.deep.settings import deep_settings
from sstbias.errors import ConfigError, ModelDirectoryError
from sstbias.neural.blocks.attention_options import attention_pool_size
from sstbias.neural.blocks.masked_norm import MaskedBatchNorm3d
from sstbias.neural.blocks.self_attention import SelfAttention2d, attention_reference


@pytest.fixture(scope="module")
def setup():
    data = aligned_dataset(n_days=90, shape=(10, 8))
    split = chronological_split(pd.DatetimeIndex(data["time"].values), 0.8, 0.15)
    return data, split, fit_normaliser(data, split["train"])


def old_attention(block: SelfAttention2d, x: torch.Tensor) -> torch.Tensor:
    """The block's forward as it was before pooled keys (every position is a key), from the block's own projections
    (fused or not: tests/test_networks.py compares the two)."""
    batch, channels, height, width = x.shape
    queries, key_values = block.project(x)
    keys, values = key_values.split([block.key.out_channels, channels], dim=1)
    q = queries.flatten(2).transpose(1, 2)
    k = keys.flatten(2).transpose(1, 2)
    v = values.flatten(2).transpose(1, 2).contiguous()
    return x + block.gamma * block.attend(q, k, v).transpose(1, 2).reshape(batch, channels, height, width)


@pytest.mark.parametrize("implementation", ["sdpa", "reference"])
def test_pool_1_is_exactly_the_unpooled_attention(implementation):
    torch.manual_seed(0)
    block = SelfAttention2d(8, 3, implementation, pool=1)
    block.gamma.data.fill_(0.7)
    x = torch.randn(2, 8, 7, 5)
    assert torch.equal(block(x), old_attention(block, x))


def test_pooled_keys_are_max_pooled_with_partial_edge_windows():
    torch.manual_seed(1)
    block = SelfAttention2d(4, 2, "reference", pool=2)
    block.gamma.data.fill_(1.0)
    x = torch.randn(1, 4, 5, 3)  # 5 x 3: the last row and column of windows are partial
    keys, values = block.key(x), block.value(x)
    pooled_k = torch.stack([keys[..., r : r + 2, c : c + 2].amax(dim=(-2, -1)) for r in (0, 2, 4) for c in (0, 2)], -1)
    pooled_v = torch.stack(
        [values[..., r : r + 2, c : c + 2].amax(dim=(-2, -1)) for r in (0, 2, 4) for c in (0, 2)], -1
    )
    q = block.query(x).flatten(2).transpose(1, 2)
    expected = attention_reference(q, pooled_k.transpose(1, 2), pooled_v.transpose(1, 2))
    got = block(x) - x
    torch.testing.assert_close(got, expected.transpose(1, 2).reshape(1, 4, 5, 3), atol=1e-6, rtol=0)


@pytest.mark.parametrize("pool", [1, 2])
def test_land_draws_no_attention(pool):
    torch.manual_seed(2)
    block = SelfAttention2d(4, 2, "sdpa", pool=pool)
    block.gamma.data.fill_(1.0)
    ocean = torch.ones(6, 6, dtype=torch.bool)
    ocean[:2, :2] = False  # a whole 2x2 window of land
    ocean[5, 5] = False  # and one land cell in an ocean window
    x = torch.randn(1, 4, 6, 6)
    changed = x.clone()
    changed[..., ~ocean] = 50.0
    torch.testing.assert_close(block(x, ocean)[..., ocean], block(changed, ocean)[..., ocean], atol=1e-5, rtol=0)
    assert not torch.allclose(block(x)[..., ocean], block(changed)[..., ocean])  # unmasked, land does count


def test_masked_batchnorm_counts_ocean_cells_only():
    torch.manual_seed(3)
    norm = MaskedBatchNorm3d(3)
    plain = torch.nn.BatchNorm3d(3)
    x = torch.randn(2, 3, 4, 5, 5)
    torch.testing.assert_close(norm(x), plain(x))  # without a mask: BatchNorm3d
    ocean = torch.ones(5, 5, dtype=torch.bool)
    ocean[0] = False
    changed = x.clone()
    changed[..., ~ocean] = 100.0
    torch.testing.assert_close(norm(x, ocean)[..., ocean], norm(changed, ocean)[..., ocean])
    cells = norm(x, ocean)[..., ocean]
    torch.testing.assert_close(cells.mean(dim=(0, 2, 3)), torch.zeros(3), atol=1e-5, rtol=0)


@pytest.mark.parametrize("name", ["convgru", "convlstm_at", "convgru_sa"])
def test_masked_networks_on_an_odd_grid(name):
    """Ocean mask and pooled attention on a 7 x 5 grid (not divisible by the pool): shapes and gradients."""
    torch.manual_seed(4)
    ocean = torch.ones(7, 5, dtype=torch.bool)
    ocean[0, :3] = False
    model = build_network(name, 2, {"hidden_channels": 4, **({"attention_pool": 2} if name == "convgru_sa" else {})})
    for module in model.modules():
        if isinstance(module, SelfAttention2d):
            module.gamma.data.fill_(0.5)
    y = model(torch.randn(2, 3, 2, 7, 5), ocean)
    assert y.shape == (2, 1, 7, 5)
    y.square().mean().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in model.parameters())


def test_auto_pool_keeps_at_most_32_keys_per_side():
    """attention_pool "auto": the smallest p with ceil(side / p) <= 32 (the paper's 51x51 box: 2)."""
    sides = [8, 32, 33, 51, 64, 65, 76, 101, 200]
    assert [attention_pool_size("auto", side, side) for side in sides] == [1, 1, 2, 2, 2, 3, 3, 4, 7]
    assert attention_pool_size("auto", 20, 101) == 4 and attention_pool_size(3, 101, 101) == 3
    for side in sides:
        pool = attention_pool_size("auto", side, side)
        assert -(-side // pool) <= 32 and (pool == 1 or -(-side // (pool - 1)) > 32)


@pytest.mark.parametrize(("side", "pool"), [(51, 2), (76, 3), (101, 4)])
def test_auto_pool_equals_its_fixed_pool(side, pool):
    """A network with attention_pool "auto" computes exactly what the fixed pool it resolves to computes."""
    x, ocean = torch.randn(1, 2, 2, side, side), torch.rand(side, side) > 0.2
    outputs = []
    for setting in ("auto", pool):
        torch.manual_seed(5)
        model = build_network("convgru_sa", 2, {"hidden_channels": 4, "attention_pool": setting})
        for module in model.modules():
            if isinstance(module, SelfAttention2d):
                module.gamma.data.fill_(0.5)
        outputs.append(model.eval()(x, ocean))
    assert torch.equal(*outputs)


def test_unknown_channel_names_the_key():
    with pytest.raises(ConfigError, match=r"models.convgru.static_channels: unknown channel 'depth'"):
        deep_settings("convgru", {"static_channels": ["ocean_mask", "depth"]})
    with pytest.raises(ConfigError, match=r"models.convgru_sa.daily_channels: unknown channel 'doy'"):
        deep_settings("convgru_sa", {"daily_channels": ["doy"]})
    with pytest.raises(ConfigError, match=r"models.convgru.lr_schedule"):
        deep_settings("convgru", {"lr_schedule": "step"})
    for bad in (0, "large", 1.5, True):
        named = r"models.convgru_sa.attention_pool: must be a positive integer or 'auto'"
        with pytest.raises(ConfigError, match=named):
            build_network("convgru_sa", 1, {"attention_pool": bad})


def test_day_of_year_channels():
    values = calendar_values(pd.DatetimeIndex(["2021-01-01", "2021-04-02", "2021-12-31"]), ["doy_cos", "doy_sin"])
    assert values.shape == (3, 2)
    np.testing.assert_allclose(values[0].numpy(), [1.0, 0.0], atol=1e-6)  # cos, sin of day 1
    np.testing.assert_allclose(
        values[1].numpy(), [np.cos(2 * np.pi * 91 / 365.25), np.sin(2 * np.pi * 91 / 365.25)], atol=1e-6
    )
    assert values[2, 1] < 0 and values[2, 0] > 0.99  # the end of the year comes back towards the start


def test_channel_layout(setup):
    data, split, normaliser = setup
    climatology = Climatology({}, {})
    climatology.fit(data, split["train"])
    settings = deep_settings(
        "convgru",
        {
            "sequence_length": 3,
            "static_channels": ["ocean_mask", "lat", "lon"],
            "daily_channels": ["doy_sin", "doy_cos", "climatology"],
        },
    )
    samples = SequenceSamples(data, normaliser, settings, climatology)
    assert samples.in_channels == 1 + 3 + 3
    batch = samples.inputs(samples.positions(split["validation"][:2], strict=True))
    assert batch.shape == (2, 3, 7, 10, 8)
    lat, lon = batch[0, 0, 2], batch[0, 0, 3]
    assert float(lat[0, 0]) == 0 and float(lat[-1, 0]) == 1 and float(lon[0, -1]) == 1
    assert torch.all(batch[0, :, 4] == batch[0, :, 4, :1, :1])  # doy channels are uniform over the grid
    scale = normaliser.stats["observation"]["scale"]
    last_day = pd.DatetimeIndex([split["validation"][0]])
    np.testing.assert_allclose(
        batch[0, -1, 6].numpy() * scale, np.nan_to_num(climatology.correction(last_day)[0]), atol=1e-5
    )


def test_neutral_land_fill(setup):
    data, split, normaliser = setup
    ocean = data["ocean_mask"].values == 1
    base = {"sequence_length": 3, "static_channels": ["ocean_mask"], "daily_channels": []}
    zero = SequenceSamples(data, normaliser, deep_settings("convgru", base | {"land": "zero"}))
    neutral = SequenceSamples(data, normaliser, deep_settings("convgru", base | {"land": "masked"}))
    assert float(zero.forecast[5][~ocean].abs().max()) == 0
    np.testing.assert_allclose(neutral.forecast[5][~ocean].numpy(), neutral.forecast[5][ocean].mean().item(), rtol=1e-5)
    assert torch.equal(zero.forecast[:, ocean], neutral.forecast[:, ocean])
    assert zero.network_ocean is None and torch.equal(neutral.network_ocean, torch.from_numpy(ocean))


SMALL = {"hidden_channels": 4, "sequence_length": 3, "eval_every": 1, "seed": 0, "device": "cpu"}


def train_over_climatology(setup, out_dir, **settings):
    data, split, normaliser = setup
    settings = {**SMALL, "residual_over": "climatology", **settings}
    train_deep_model("convgru", settings, data, split, normaliser, out_dir, threads=1)
    return read_model_dir(out_dir)


def test_residual_over_climatology_starts_at_the_climatological_correction(setup, tmp_path):
    data, split, _ = setup
    trained = train_over_climatology(setup, tmp_path, iterations=2, lr=1e-9)
    assert trained.description["climatology"]["file"] == "climatology.nc"
    assert trained.climatology().fit_days_.equals(split["train"])  # the same days as the network
    days = split["test"][:5]
    baseline = Climatology({}, {})
    baseline.fit(data, split["train"])
    expected = baseline.predict(data, days)
    got = predict_deep_model(tmp_path, data.drop_vars("observation"), days)
    np.testing.assert_allclose(got.values, expected.values, atol=2e-4)  # the head starts at 0 (lr ~ 0)


def test_climatology_file_must_match(setup, tmp_path):
    trained = train_over_climatology(setup, tmp_path, iterations=1)
    (tmp_path / "climatology.nc").write_bytes(b"other")
    with pytest.raises(ModelDirectoryError, match="climatology.nc: not the climatology the model was trained"):
        trained.climatology()
    retrained = train_over_climatology(setup, tmp_path, iterations=1, residual_over="forecast")
    assert retrained.description["climatology"] is None and not (tmp_path / "climatology.nc").exists()


def test_learning_rate_schedule():
    assert learning_rate(1, 0.01, 100, 0, "constant") == 0.01
    assert learning_rate(5, 0.01, 100, 10, "constant") == pytest.approx(0.005)
    assert learning_rate(10, 0.01, 100, 10, "cosine") == pytest.approx(0.01)
    assert learning_rate(55, 0.01, 100, 10, "cosine") == pytest.approx(0.005)
    assert learning_rate(100, 0.01, 100, 10, "cosine") == pytest.approx(0.0, abs=1e-12)


def test_recipe_is_logged_and_resumes_exactly(setup, tmp_path):
    data, split, normaliser = setup
    recipe = {
        "hidden_channels": 4,
        "sequence_length": 3,
        "lr": 0.01,
        "seed": 1,
        "device": "cpu",
        "eval_every": 2,
        "warmup_iterations": 4,
        "lr_schedule": "cosine",
        "grad_clip": 0.5,
    }
    full = train_deep_model(
        "convgru",
        {**recipe, "iterations": 8, "checkpoint_every": 8},
        data,
        split,
        normaliser,
        tmp_path / "full",
        threads=1,
    )
    assert [row["lr"] for row in full] == pytest.approx([learning_rate(i, 0.01, 8, 4, "cosine") for i in (2, 4, 6, 8)])
    # a run resumed from its iteration-4 checkpoint (the later one removed) follows the same schedule
    resumed = {**recipe, "iterations": 8, "checkpoint_every": 4, "checkpoint_at": [4]}
    train_deep_model("convgru", resumed, data, split, normaliser, tmp_path / "resumed", threads=1)
    for path in (tmp_path / "resumed" / "checkpoints").glob("iter_000008*"):
        path.unlink()
    train_deep_model("convgru", resumed, data, split, normaliser, tmp_path / "resumed", threads=1)
    a = torch.load(tmp_path / "full" / "last.pt", weights_only=True)["model"]
    b = torch.load(tmp_path / "resumed" / "last.pt", weights_only=True)["model"]
    for key in a:
        torch.testing.assert_close(a[key], b[key], atol=1e-6, rtol=0)


def test_fair_protocol_days():
    split = chronological_split(pd.date_range("2021-01-01", periods=100), 0.8, 0.1)
    fair = baseline_fit_days(split, "train_and_validation")
    assert fair.equals(split["train"].union(split["validation"])) and not fair.isin(split["test"]).any()
    assert baseline_fit_days(split, "train").equals(split["train"])
    with pytest.raises(ConfigError, match="baseline_fit_days"):
        baseline_fit_days(split, "all")
