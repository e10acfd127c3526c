"""The networks: shapes, gradient flow, the ConvGRU equations, the two attention kernels, the masked loss."""

import pytest
import torch

from sstbias.deep.loss import masked_mse
from sstbias.deep.networks import build_network
from sstbias.errors import ConfigError
from sstbias.experiments.catalog import DEEP_MODELS
from sstbias.neural.blocks.self_attention import SelfAttention2d, attention_reference, attention_sdpa
from sstbias.neural.cells.convgru import ConvGRUCell

SMALL = {"hidden_channels": 6, "front_channels": 16, "attention_channels": 3}


def settings_for(name: str) -> dict:
    keys = {"convgru": ["hidden_channels"], "convlstm_at": ["hidden_channels", "front_channels"]}
    return {k: v for k, v in SMALL.items() if k in keys.get(name, SMALL)}


@pytest.mark.parametrize("name", sorted(DEEP_MODELS))
def test_shapes_and_gradient_flow(name):
    torch.manual_seed(0)
    model = build_network(name, 3, {**settings_for(name), "num_layers": 2})
    for module in model.modules():
        if isinstance(module, SelfAttention2d):
            module.gamma.data.fill_(0.5)  # the gate starts at 0, which would stop gradients to Q, K, V
    x = torch.randn(2, 4, 3, 9, 7)  # (B, T, C, H, W)
    y = model(x)
    assert y.shape == (2, 1, 9, 7)
    y.square().mean().backward()
    for pname, parameter in model.named_parameters():
        assert parameter.grad is not None and parameter.grad.abs().sum() > 0, pname


@pytest.mark.parametrize("name", sorted(DEEP_MODELS))
def test_hidden_state_follows_input_dtype(name):
    model = build_network(name, 1, settings_for(name)).double()
    assert model(torch.randn(1, 3, 1, 5, 5, dtype=torch.float64)).dtype == torch.float64


def test_convgru_cell_matches_equations_2_to_5():
    cell = ConvGRUCell(1, 1, kernel_size=1)
    with torch.no_grad():
        cell.input_conv.weight.copy_(torch.tensor([0.5, -0.3, 0.8]).view(3, 1, 1, 1))  # W_xz, W_xr, W_xh
        cell.input_conv.bias.copy_(torch.tensor([0.1, 0.2, -0.1]))
        cell.hidden_conv.weight.copy_(torch.tensor([0.4, 0.7, -0.6]).view(3, 1, 1, 1))  # W_hz, W_hr, W_hh
    x, h = 1.5, -0.4
    z = torch.sigmoid(torch.tensor(0.5 * x + 0.1 + 0.4 * h))
    r = torch.sigmoid(torch.tensor(-0.3 * x + 0.2 + 0.7 * h))
    candidate = torch.tanh(torch.tensor(0.8 * x - 0.1) + r * (-0.6 * h))
    expected = (1 - z) * candidate + z * h
    with torch.no_grad():
        got = cell(torch.full((1, 1, 1, 1), x), torch.full((1, 1, 1, 1), h))
    assert float(got) == pytest.approx(float(expected), abs=1e-6)


def test_sdpa_equals_reference():
    torch.manual_seed(1)
    q, k = 0.3 * torch.randn(3, 50, 4), 0.3 * torch.randn(3, 50, 4)
    v = torch.randn(3, 50, 16)
    torch.testing.assert_close(attention_sdpa(q, k, v), attention_reference(q, k, v), atol=1e-5, rtol=0)


def test_attention_modules_agree():
    torch.manual_seed(2)
    fast = SelfAttention2d(8, 3, "sdpa")
    slow = SelfAttention2d(8, 3, "reference")
    slow.load_state_dict(fast.state_dict())
    fast.gamma.data.fill_(0.7)
    slow.gamma.data.fill_(0.7)
    x = torch.randn(2, 8, 6, 5)
    torch.testing.assert_close(fast(x), slow(x), atol=1e-5, rtol=0)


def test_masked_loss_ignores_land():
    target = torch.zeros(2, 1, 4, 4)
    mask = torch.ones(1, 4, 4)
    mask[0, 0, :] = 0
    prediction = torch.ones(2, 1, 4, 4)
    changed = prediction.clone()
    changed[:, :, 0, :] = 100.0
    assert float(masked_mse(prediction, target, mask)) == pytest.approx(1.0)
    assert float(masked_mse(changed, target, mask)) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("name", "settings", "message"),
    [
        ("transformer", {}, "models.transformer: unknown deep model"),
        ("convgru", {"hidden_channels": 0}, "models.convgru.hidden_channels"),
        ("convgru_sa", {"kernel_size": 4}, "models.convgru_sa.kernel_size: must be odd"),
    ],
)
def test_bad_architecture_settings(name, settings, message):
    with pytest.raises(ConfigError, match=message):
        build_network(name, 1, settings)


@pytest.mark.parametrize("pool", [1, 3])
def test_fused_projection_is_the_three_convolutions(pool):
    """Q, K and V from one convolution of the stacked weights (the fast path) equal the three convolutions, with
    pooled keys and masked land, forward and backward; the parameters (and so model folders) are the same."""
    torch.manual_seed(3)
    fused = SelfAttention2d(8, 3, "sdpa", pool=pool, fused=True)
    separate = SelfAttention2d(8, 3, "sdpa", pool=pool, fused=False)
    separate.load_state_dict(fused.state_dict())
    assert list(fused.state_dict()) == list(separate.state_dict())
    for block in (fused, separate):
        block.gamma.data.fill_(0.7)
    ocean = torch.ones(7, 6, dtype=torch.bool)
    ocean[:3, :2] = False
    x = torch.randn(2, 8, 7, 6)
    outputs = [block(x, ocean) for block in (fused, separate)]
    torch.testing.assert_close(outputs[0], outputs[1], atol=1e-6, rtol=0)
    for output in outputs:
        output.square().sum().backward()
    for (name, a), (_, b) in zip(fused.named_parameters(), separate.named_parameters(), strict=True):
        torch.testing.assert_close(a.grad, b.grad, atol=1e-5, rtol=1e-5, msg=name)
