"""Settings of the deep correctors (config ``models.<name>``): one dataclass per network, the defaults here.

The workflow's schema documents the same keys with the same defaults (a test compares them); these classes are
the owner. Importable without torch.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sstbias.deep.schedule import LR_SCHEDULES
from sstbias.errors import ConfigError

TARGETS = ("residual", "observation")
RESIDUAL_BASES = ("forecast", "climatology")
LAND_HANDLING = ("zero", "masked")
STATIC_CHANNELS = ("ocean_mask", "lat", "lon")  # described in sstbias.deep.channels
DAILY_CHANNELS = ("doy_sin", "doy_cos", "climatology")
ATTENTION_IMPLS = ("sdpa", "reference")
# float32; bfloat16 autocast of the convolutions (the attention product stays float32); auto: bfloat16 where the
# device computes it natively (a CPU with AVX512-BF16 or AMX, a CUDA device with bf16), else float32.
PRECISIONS = ("float32", "bfloat16", "auto")
# fast: the recurrences skip the work on their zero initial state (same math); reference: every step as before.
IMPLEMENTATIONS = ("fast", "reference")
# attention_pool "auto": the smallest pool leaving at most this many keys per side, so the attention's cost grows
# linearly with the cells (every query attends to at most AUTO_POOL_KEYS_SIDE^2 keys): 51x51 -> 2, 101x101 -> 4.
AUTO_POOL = "auto"
AUTO_POOL_KEYS_SIDE = 32
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

    sequence_length: int = 5  # days of forecast in each input window (L)
    static_channels: list[str] = field(default_factory=lambda: ["ocean_mask", "lat", "lon"])  # paper: ocean_mask
    # paper: none; doy_sin, doy_cos validated worse on the realistic twin, whose test season is unseen in training
    daily_channels: list[str] = field(default_factory=list)
    # memory beyond the window: per day, the forecast minus its mean over the N days before (one channel per N)
    history_days: list[int] = field(default_factory=list)
    target: str = "residual"  # the normalised obs - base (residual) or the observation (paper)
    residual_over: str = "forecast"  # base of the residual: the forecast or the climatology-corrected forecast
    land: str = "zero"  # land cells: zero (as the paper) or masked (out of the BatchNorm statistics and attention keys)
    hidden_channels: int = 32
    num_layers: int = 1
    kernel_size: int = 3  # odd
    lr: float = 0.001  # Adam learning rate
    batch_size: int = 4  # target days per iteration
    iterations: int = 1000  # the paper's "epochs"
    eval_every: int = 50  # iterations between validation RMSE measurements
    checkpoint_every: int = 200  # iterations between resumable checkpoints
    checkpoint_at: list[int] = field(default_factory=list)  # iterations whose weights are kept
    warmup_iterations: int = 0  # linear learning-rate warm-up from 0 (0: none)
    lr_schedule: str = "constant"  # after the warm-up: constant or cosine decay to 0 at ``iterations``
    grad_clip: float = 0.0  # maximum global gradient norm (0: no clipping)
    ema_decay: float = 0.0  # validation and best.pt use an exponential moving average of the weights (0: none)
    precision: str = "float32"  # float32, bfloat16 (autocast) or auto
    implementation: str = "fast"  # fast or reference (the step-by-step code before the fast path; same math)
    device: str = "auto"  # auto (CUDA, then MPS, then CPU), cpu, cuda, cuda:N or mps
    seed: int = 0

    def to_dict(self) -> dict:
        """The settings as plain JSON values (recorded in a trained model folder)."""
        return dataclasses.asdict(self)

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

    front_channels: int = 16


@dataclass
class ConvGRUSASettings(DeepSettings):
    """ConvGRU-SA: a 3-D CNN front, and self-attention of width ``attention_channels`` (Q and K)."""

    front_channels: int = 16
    attention_channels: int = 8
    attention_impl: str = "sdpa"  # same math; sdpa is faster
    attention_pool: int | str = 1  # keys and values max-pooled over p x p windows (1: the paper's attention exactly)


SETTINGS: dict[str, type[DeepSettings]] = {
    "convgru": ConvGRUSettings,
    "convlstm_at": ConvLSTMATSettings,
    "convgru_sa": ConvGRUSASettings,
}


def is_attention_pool(pool: object) -> bool:
    """Whether ``pool`` is a valid ``attention_pool``: a positive integer or "auto"."""
    return pool == AUTO_POOL or (isinstance(pool, int) and not isinstance(pool, bool) and pool >= 1)


def attention_pool_size(pool: int | str, height: int, width: int) -> int:
    """The pool p of ``attention_pool`` on a height x width grid: ``pool`` itself, or for "auto" the smallest p
    with ceil(max(height, width) / p) <= AUTO_POOL_KEYS_SIDE (1 on grids up to 32 x 32)."""
    if pool == AUTO_POOL:
        return max(1, -(-max(height, width) // AUTO_POOL_KEYS_SIDE))
    return pool


def check_device_name(name: object, key: str) -> None:
    """ConfigError naming ``key`` unless ``name`` is a torch device name sstbias accepts (checked without torch;
    whether the device exists on the machine that trains is known only there)."""
    if not isinstance(name, str) or not _DEVICE_PATTERN.fullmatch(name):
        raise ConfigError(f"{key}: {name!r} is not a device name (expected {DEVICE_NAMES})")


def deep_settings(name: str, values: Mapping) -> DeepSettings:
    """The settings of deep model ``name`` from the mapping ``values`` (config ``models.<name>`` plus the seed).

    Missing keys take the defaults; a ConfigError names ``models.<name>[.<key>]`` for an unknown model, an
    unknown key or an invalid value.
    """
    if name not in SETTINGS:
        raise ConfigError(f"models.{name}: unknown deep model; known: {sorted(SETTINGS)}")
    cls = SETTINGS[name]
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
    if getattr(settings, "attention_impl", "sdpa") not in ATTENTION_IMPLS:
        fail("attention_impl", f"must be one of {list(ATTENTION_IMPLS)}")
    check_device_name(settings.device, f"models.{name}.device")
