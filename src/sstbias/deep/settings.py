"""Settings of the deep correctors (config ``models.<name>``): one dataclass per network, each field's default,
description and bounds written once (:func:`sstbias.setting.setting`; the workflow schema is generated from
them, :mod:`sstbias.experiments.schema`). Importable without torch.

A settings class also says which of its values shape its network (:meth:`DeepSettings.network_arguments`, the
plain keyword arguments of the network class named in :mod:`sstbias.experiments.catalog`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sstbias.deep.schedule import LR_SCHEDULES
from sstbias.errors import ConfigError
from sstbias.neural.blocks.attention_options import AUTO_POOL, is_attention_pool
from sstbias.neural.blocks.attention_options import IMPLEMENTATIONS as ATTENTION_IMPLEMENTATIONS
from sstbias.setting import setting

TARGETS = ("residual", "observation")
RESIDUAL_BASES = ("forecast", "climatology")
LAND_HANDLING = ("zero", "masked")
STATIC_CHANNELS = ("ocean_mask", "lat", "lon")  # described in sstbias.deep.channels
DAILY_CHANNELS = ("doy_sin", "doy_cos", "climatology")
# float32; bfloat16 autocast of the convolutions (the attention product stays float32); auto: bfloat16 where the
# device computes it natively (a CPU with AVX512-BF16 or AMX, a CUDA device with bf16), else float32.
PRECISIONS = ("float32", "bfloat16", "auto")
# fast: the recurrences skip the work on their zero initial state (same math); reference: every step as before.
IMPLEMENTATIONS = ("fast", "reference")
DEVICE_NAMES = "auto, cpu, cuda, cuda:N or mps"
_DEVICE_PATTERN = re.compile(r"auto|cpu|mps|cuda(:\d+)?")
MAX_LR = 10.0  # the largest Adam learning rate accepted (the defaults and the paper's grid are about 1e-3)
POSITIVE = ("sequence_length", "hidden_channels", "num_layers", "kernel_size", "batch_size", "iterations",
            "eval_every", "checkpoint_every", "front_channels", "attention_channels")  # fmt: skip


@dataclass
class DeepSettings:
    """What every deep model is given: its input windows, its recurrent core, its optimisation and device.

    ``seed`` is not a config key: it is the run's seed (``<model>/seed_<n>``).
    """

    sequence_length: int = setting(5, "Days of forecast in each input window (L).", minimum=1)
    static_channels: list[str] = setting(
        description="Static input channels added to the forecast: the ocean mask and where the cell is (lat, lon "
        "scaled to [0, 1] over the grid). The paper: [ocean_mask].",
        default_factory=lambda: ["ocean_mask", "lat", "lon"],
        items={"enum": STATIC_CHANNELS},
        uniqueItems=True,
    )
    daily_channels: list[str] = setting(
        description="Daily input channels: when it is (sin, cos of 2 pi day-of-year / 365.25) and the day's per-cell "
        "climatological correction (normalised). Default and paper: none (the day-of-year channels validated worse "
        "on the realistic twin, whose test season is absent from training; docs/deep_models.md).",
        default_factory=list,
        items={"enum": DAILY_CHANNELS},
        uniqueItems=True,
    )
    history_days: list[int] = setting(
        description="Memory beyond the input window: one input channel per N, each day's normalised forecast minus "
        "its mean over the N days before it (e.g. [3, 7, 14]: how far the forecast has moved since a storm passed). "
        "A window then reads sequence_length + max(history_days) days of forecast. Default and paper: none.",
        default_factory=list,
        items={"minimum": 1},
        uniqueItems=True,
    )
    target: str = setting(
        "residual", "Learn the normalised obs - base (residual) or the observation (paper).", enum=TARGETS
    )
    residual_over: str = setting(
        "forecast",
        "Base of the residual target: the forecast (learn obs - forecast) or the forecast corrected by the per-cell "
        "climatology fitted on the network's training days (learn what it leaves; the output layer starts at 0, so "
        "training starts from the climatological correction). The climatology travels in the model folder.",
        enum=RESIDUAL_BASES,
    )
    land: str = setting(
        "zero",
        "Land cells: `zero` (land inputs 0, every cell in the BatchNorm statistics and attention keys; as the paper) "
        "or `masked` (land forecast inputs set to the day's ocean mean, BatchNorm statistics and attention keys over "
        "ocean cells only). The loss is over ocean cells either way.",
        enum=LAND_HANDLING,
    )
    hidden_channels: int = setting(32, "Hidden channels of each recurrent layer.", minimum=1)
    num_layers: int = setting(1, "Stacked recurrent layers.", minimum=1)
    kernel_size: int = setting(3, "Odd convolution kernel size of the cells.", minimum=1)
    lr: float = setting(0.001, "Adam learning rate.", exclusiveMinimum=0)
    batch_size: int = setting(4, "Target days per iteration.", minimum=1)
    iterations: int = setting(1000, 'Training iterations (the paper\'s "epochs").', minimum=1)
    eval_every: int = setting(50, "Iterations between validation RMSE measurements.", minimum=1)
    checkpoint_every: int = setting(200, "Iterations between resumable checkpoints.", minimum=1)
    checkpoint_at: list[int] = setting(
        description="Iterations whose checkpoints are kept.", default_factory=list, items={"minimum": 1}
    )
    warmup_iterations: int = setting(0, "Iterations of linear learning-rate warm-up from 0 (0 = none).", minimum=0)
    lr_schedule: str = setting(
        "constant",
        "After the warm-up: a constant learning rate or a cosine decay to 0 at the last iteration (then iterations "
        "is part of the run's fingerprint).",
        enum=LR_SCHEDULES,
    )
    grad_clip: float = setting(0.0, "Maximum global gradient norm (0 = no clipping).", minimum=0)
    ema_decay: float = setting(
        0.0,
        "Validation, best.pt and exported weights use an exponential moving average of the weights with this decay "
        "(e.g. 0.99; 0 = the trained weights), which smooths the checkpoint-to-checkpoint noise of selection on a "
        "short validation period.",
        minimum=0,
        exclusiveMaximum=1,
    )
    precision: str = setting(
        "float32",
        "float32; bfloat16 autocast of the convolutions (the attention product stays float32), refused on a device "
        "without native bfloat16; auto = bfloat16 where the device has it (a CPU with AVX512-BF16 or AMX, a CUDA "
        "device with bf16), else float32.",
        enum=PRECISIONS,
    )
    implementation: str = setting(
        "fast",
        "fast skips the products of each recurrence's zero initial state and computes each attention block's "
        "Q, K and V in one convolution (the same math); reference runs every step as before "
        "(benchmarks/deep_models.py --speed compares them).",
        enum=IMPLEMENTATIONS,
    )
    device: str = setting("auto", "auto (CUDA, then MPS, then CPU), cpu, cuda, cuda:N or mps.")
    seed: int = 0

    def to_dict(self) -> dict:
        """The settings as plain JSON values (recorded in a trained model folder)."""
        return dataclasses.asdict(self)

    def network_arguments(self) -> dict:
        """The keyword arguments of the network class (plain ints, strings and bools): its recurrent core's
        sizes, and whether the recurrences skip their zero initial state (``implementation: fast``)."""
        return {
            "hidden_channels": self.hidden_channels,
            "num_layers": self.num_layers,
            "kernel_size": self.kernel_size,
            "skip_zero_state": self.implementation == "fast",
        }

    @property
    def input_window_days(self) -> int:
        """Days of forecast a prediction reads: the window and the longest history before its first day."""
        return self.sequence_length + max(self.history_days, default=0)

    @property
    def residual_over_climatology(self) -> bool:
        """Whether the target is the residual over the climatology-corrected forecast."""
        return self.target == "residual" and self.residual_over == "climatology"

    @property
    def uses_climatology(self) -> bool:
        """Whether the model reads the per-cell climatology (as its target's base or as an input channel)."""
        return self.residual_over_climatology or "climatology" in self.daily_channels


@dataclass
class ConvGRUSettings(DeepSettings):
    """ConvGRU (paper eqs. 2-5)."""


@dataclass
class ConvLSTMATSettings(DeepSettings):
    """3DCNN-CBAM-ConvLSTM-AT: a 3-D CNN front before the ConvLSTM cells."""

    front_channels: int = setting(16, "Channels of the 3-D CNN front.", minimum=1)

    def network_arguments(self) -> dict:
        """The recurrent core's arguments and the front's width."""
        return super().network_arguments() | {"front_channels": self.front_channels}


@dataclass
class ConvGRUSASettings(DeepSettings):
    """ConvGRU-SA: a 3-D CNN front, and self-attention of width ``attention_channels`` (Q and K)."""

    front_channels: int = setting(16, "Channels of the 3-D CNN front.", minimum=1)
    attention_channels: int = setting(8, "Width of Q and K.", minimum=1)
    attention_impl: str = setting("sdpa", "Attention kernel (same math).", enum=ATTENTION_IMPLEMENTATIONS)
    attention_pool: int | str = setting(
        1,
        "Keys and values max-pooled over p x p windows before the attention product (SAGAN/BigGAN; p^2 fewer keys); "
        "1 = the paper's attention exactly. A grid side not divisible by p ends with a partial window (max over the "
        "cells it covers). auto = the smallest p leaving at most 32 x 32 keys (51x51 grid: 2; 101x101: 4), so the "
        "attention's cost grows linearly with the box's cells.",
        oneOf=[{"type": "integer", "minimum": 1}, {"const": AUTO_POOL}],
    )

    def network_arguments(self) -> dict:
        """The recurrent core's arguments, the front's width and the attention blocks' options."""
        return super().network_arguments() | {
            "front_channels": self.front_channels,
            "attention_channels": self.attention_channels,
            "attention_impl": self.attention_impl,
            "attention_pool": self.attention_pool,
        }


def check_device_name(name: object, key: str) -> None:
    """ConfigError naming ``key`` unless ``name`` is a torch device name sstbias accepts (checked without torch;
    whether the device exists on the machine that trains is known only there)."""
    if not isinstance(name, str) or not _DEVICE_PATTERN.fullmatch(name):
        raise ConfigError(f"{key}: {name!r} is not a device name (expected {DEVICE_NAMES})")


def cpu_has_bfloat16(cpuinfo: str = "/proc/cpuinfo") -> bool:
    """Whether this machine's CPU flags (Linux ``cpuinfo``) name AVX512-BF16 or AMX-BF16; True where the file
    is absent (other systems: the training job checks with torch itself)."""
    try:
        flags = Path(cpuinfo).read_text()
    except OSError:
        return True
    return "avx512_bf16" in flags or "amx_bf16" in flags


def deep_settings(name: str, values: Mapping) -> DeepSettings:
    """The settings of deep model ``name`` from the mapping ``values`` (config ``models.<name>`` plus the seed).

    Missing keys take the defaults; a ConfigError names ``models.<name>[.<key>]`` for an unknown model, an
    unknown key or an invalid value.
    """
    from sstbias.experiments import catalog  # the catalogue imports these classes

    deep = {spec.name: spec.settings for spec in catalog.SPECS if spec.family == "deep"}
    if name not in deep:
        raise ConfigError(f"models.{name}: unknown deep model; known: {sorted(deep)}")
    cls = deep[name]
    known = [f.name for f in dataclasses.fields(cls)]
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(f"models.{name}.{unknown[0]}: unknown setting (known: {sorted(known)})")
    settings = cls(**values)
    _check(name, settings)
    return settings


def _check(name: str, settings: DeepSettings) -> None:
    def fail(key: str, problem: str) -> None:
        raise ConfigError(f"models.{name}.{key}: {problem}, got {getattr(settings, key)!r}")

    for key in POSITIVE:
        value = getattr(settings, key, 1)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            fail(key, "must be a positive integer")
    if not is_attention_pool(getattr(settings, "attention_pool", 1)):
        fail("attention_pool", f"must be a positive integer or {AUTO_POOL!r}")
    if settings.kernel_size % 2 == 0:
        fail("kernel_size", "must be odd")
    if isinstance(settings.lr, bool) or not isinstance(settings.lr, int | float) or not 0 < settings.lr <= MAX_LR:
        fail("lr", f"must be a number > 0 and at most {MAX_LR:g} (an Adam learning rate above it only diverges)")
    if settings.target not in TARGETS:
        fail("target", f"must be one of {list(TARGETS)}")
    if settings.residual_over not in RESIDUAL_BASES:
        fail("residual_over", f"must be one of {list(RESIDUAL_BASES)}")
    if settings.land not in LAND_HANDLING:
        fail("land", f"must be one of {list(LAND_HANDLING)}")
    for key, known in (("static_channels", STATIC_CHANNELS), ("daily_channels", DAILY_CHANNELS)):
        names = getattr(settings, key)
        if isinstance(names, str) or not isinstance(names, list | tuple):
            fail(key, "must be a list of channel names")
        unknown = [name for name in names if name not in known]
        if unknown:
            fail(key, f"unknown channel {unknown[0]!r}; known {list(known)}")
        if len(set(names)) != len(names):
            fail(key, "lists a channel twice")
    if settings.lr_schedule not in LR_SCHEDULES:
        fail("lr_schedule", f"must be one of {list(LR_SCHEDULES)}")
    warmup = settings.warmup_iterations
    if isinstance(warmup, bool) or not isinstance(warmup, int) or warmup < 0:
        fail("warmup_iterations", "must be an integer >= 0")
    clip = settings.grad_clip
    if isinstance(clip, bool) or not isinstance(clip, int | float) or clip < 0:
        fail("grad_clip", "must be a number >= 0 (0: no clipping)")
    history = settings.history_days
    if isinstance(history, str) or not isinstance(history, list | tuple):
        fail("history_days", "must be a list of day counts")
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 1 for n in history):
        fail("history_days", "must hold positive integers (days)")
    if len(set(history)) != len(history):
        fail("history_days", "lists a day count twice")
    decay = settings.ema_decay
    if isinstance(decay, bool) or not isinstance(decay, int | float) or not 0 <= decay < 1:
        fail("ema_decay", "must be a number in [0, 1) (0: no moving average)")
    if settings.precision not in PRECISIONS:
        fail("precision", f"must be one of {list(PRECISIONS)}")
    if settings.implementation not in IMPLEMENTATIONS:
        fail("implementation", f"must be one of {list(IMPLEMENTATIONS)}")
    if getattr(settings, "attention_impl", "sdpa") not in ATTENTION_IMPLEMENTATIONS:
        fail("attention_impl", f"must be one of {list(ATTENTION_IMPLEMENTATIONS)}")
    check_device_name(settings.device, f"models.{name}.device")
