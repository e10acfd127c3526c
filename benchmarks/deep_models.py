"""Training-step throughput of the deep correctors at the paper's size, side by side, on this machine.

    python benchmarks/deep_models.py [--threads 2] [--steps 5]

Size: 51x51 grid, batch 4, sequence 5, 32 hidden channels, 2 input channels (forecast + ocean mask). For each
model: samples/s of a full training step (forward, backward, Adam), FLOPs per step counted by
torch.utils.flop_counter (so attention's matmuls count), the achieved GFLOP/s against a large float32 matmul
measured in the same run (the machine's own practical limit), and the process's peak RSS after the model's
steps (ru_maxrss, which includes PyTorch's allocations; it only grows, so read it as a running maximum).
ConvGRU-SA runs with both attention kernels; their outputs are compared on the same weights and input.
"""

from __future__ import annotations

import argparse
import resource
import time

import torch
from torch.utils.flop_counter import FlopCounterMode

from sstbias.models import build_model

SIZE = {"batch": 4, "sequence": 5, "channels": 2, "height": 51, "width": 51}
HIDDEN = 32
VARIANTS = [
    ("convgru", "convgru", {}),
    ("convlstm_at", "convlstm_at", {"front_channels": 16}),
    (
        "convgru_sa (reference)",
        "convgru_sa",
        {"front_channels": 16, "attention_channels": 8, "attention_impl": "reference"},
    ),
    ("convgru_sa (sdpa)", "convgru_sa", {"front_channels": 16, "attention_channels": 8, "attention_impl": "sdpa"}),
]


def matmul_gflops(n: int = 2048, repeats: int = 5) -> float:
    """GFLOP/s of an n x n float32 matmul (2 n^3 FLOPs each)."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * n**3 * repeats / (time.perf_counter() - start) / 1e9


def step_flops(model: torch.nn.Module, x: torch.Tensor) -> int:
    counter = FlopCounterMode(display=False)
    with counter:
        model(x).square().mean().backward()
    model.zero_grad()
    return counter.get_total_flops()


def time_steps(model: torch.nn.Module, x: torch.Tensor, steps: int) -> float:
    """Seconds per training step (after one warm-up step)."""
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    for i in range(steps + 1):
        if i == 1:
            start = time.perf_counter()
        loss = model(x).square().mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return (time.perf_counter() - start) / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x = torch.randn(SIZE["batch"], SIZE["sequence"], SIZE["channels"], SIZE["height"], SIZE["width"])
    peak_matmul = matmul_gflops()
    rows, outputs = [], {}
    for label, name, extra in VARIANTS:
        torch.manual_seed(0)
        model = build_model(name, SIZE["channels"], {"hidden_channels": HIDDEN, **extra})
        for module in model.modules():  # a trained-like attention gate, so both kernels matter in the output
            if hasattr(module, "gamma"):
                module.gamma.data.fill_(0.5)
        with torch.no_grad():
            outputs[label] = model.eval()(x)
        model.train()
        flops = step_flops(model, x)
        seconds = time_steps(model, x, args.steps)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append((label, SIZE["batch"] / seconds, seconds, flops / 1e9, flops / seconds / 1e9, rss))
    print(f"size {SIZE}, hidden {HIDDEN}, threads {args.threads}, torch {torch.__version__}")
    print(f"float32 matmul 2048^3: {peak_matmul:.1f} GFLOP/s")
    header = ("model", "samples/s", "s/step", "GFLOP/step", "GFLOP/s", "of matmul", "peak RSS MiB")
    widths = (24, 10, 8, 12, 9, 10, 13)
    print("".join(f"{h:<{w}}" if i == 0 else f"{h:>{w}}" for i, (h, w) in enumerate(zip(header, widths, strict=True))))
    for label, throughput, seconds, gflop, rate, rss in rows:
        share = rate / peak_matmul
        print(f"{label:<24}{throughput:>10.2f}{seconds:>8.3f}{gflop:>12.1f}{rate:>9.1f}{share:>10.0%}{rss:>13.0f}")
    step_seconds = {r[0]: r[2] for r in rows}
    speedup = step_seconds["convgru_sa (reference)"] / step_seconds["convgru_sa (sdpa)"]
    difference = (outputs["convgru_sa (reference)"] - outputs["convgru_sa (sdpa)"]).abs().max().item()
    print(
        f"ConvGRU-SA training step, SDPA vs reference attention: {speedup:.2f}x faster (target >= 2x); "
        f"max |output difference| {difference:.2e} (target <= 1e-5)"
    )


if __name__ == "__main__":
    main()
