#!/usr/bin/env bash
# The CUDA path of the deep models, checked in a few minutes on a machine with an NVIDIA GPU:
#
#     bash benchmarks/gpu_check.sh            # outputs under ${OUT:-/tmp/gpu_check}
#     bash benchmarks/gpu_check.sh --cpu      # the same steps on the CPU, smaller (checks the script, not CUDA)
#
# Steps: nvidia-smi; a torch CUDA sanity check (device, float32 and bfloat16 matmuls against the CPU); the workflow on a
# three-month twin (51x51 grid) up to one short training of each network on cuda (models.<name>.device: cuda,
# precision: auto, i.e. bfloat16 autocast where the GPU has it); `sstbias correct` with the trained ConvGRU-SA folder on cuda;
# the step rates (iterations per second from each training_log.csv, validations included). Exits non-zero, with one
# line saying so, when there is no CUDA device.
#
# Python: $PYTHON if set (used as it is: it must have sstbias' dependencies, snakemake included), else a venv
# $OUT/venv (system site packages, so the machine's torch is used) into which `pip install -e .[workflow]` installs
# this checkout. The checkout's src/ always comes first on the import path.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${OUT:-/tmp/gpu_check}
DEVICE=cuda
case "${1:-}" in
    --cpu) DEVICE=cpu ;;
    "") ;;
    *) echo "usage: bash benchmarks/gpu_check.sh [--cpu]" >&2; exit 2 ;;
esac
mkdir -p "$OUT"

if [[ $DEVICE == cuda ]] && ! nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1; then
    echo "gpu_check: no CUDA GPU here (nvidia-smi missing or failing); --cpu checks the other steps" >&2
    exit 3
fi
[[ $DEVICE == cuda ]] && cat "$OUT/nvidia-smi.txt"

if [[ -z ${PYTHON:-} ]]; then
    [[ -x $OUT/venv/bin/python ]] || python3 -m venv --system-site-packages "$OUT/venv"
    PYTHON=$OUT/venv/bin/python
    echo "== pip install -e $REPO[workflow] into $OUT/venv"
    "$PYTHON" -m pip install --quiet -e "$REPO[workflow]" || { echo "gpu_check: pip install failed (above)" >&2; exit 4; }
fi
export PYTHONPATH="$REPO/src${PYTHONPATH:+:$PYTHONPATH}"

echo "== torch on $DEVICE"
"$PYTHON" - "$DEVICE" <<'EOF'
import sys

import torch

device = sys.argv[1]
print(f"torch {torch.__version__}, CUDA build {torch.version.cuda}, CUDA available {torch.cuda.is_available()}")
if device == "cuda":
    if not torch.cuda.is_available():
        print("gpu_check: torch sees no CUDA device (CPU-only torch build or no driver)", file=sys.stderr)
        sys.exit(3)
    print(f"{torch.cuda.get_device_name(0)}, capability {torch.cuda.get_device_capability(0)}, "
          f"bfloat16 {torch.cuda.is_bf16_supported()}")
a, b = torch.randn(512, 512), torch.randn(512, 512)
expected = a @ b
single = (a.to(device) @ b.to(device)).cpu()
with torch.autocast(device_type=device, dtype=torch.bfloat16):
    mixed = (a.to(device) @ b.to(device)).float().cpu()
errors = {"float32": (single - expected).abs().max().item(), "bfloat16 autocast": (mixed - expected).abs().max().item()}
print("matmul 512x512, largest difference from the CPU float32 result: "
      + ", ".join(f"{name} {value:.2e}" for name, value in errors.items()))
if errors["float32"] > 1e-2 or errors["bfloat16 autocast"] > 2.0:
    sys.exit("gpu_check: the device's matmul disagrees with the CPU")
EOF

echo "== the workflow on a small twin, one short training of each network on $DEVICE"
"$PYTHON" - "$REPO" "$OUT" "$DEVICE" <<'EOF'
import sys
from pathlib import Path

import yaml

repo, out, device = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
config = yaml.safe_load((repo / "config" / "config.yaml").read_text())
small = device == "cpu"  # the dry mode: a check of the script, as small as the tests' runs
config.update(dataset="gpu_check", results_root=str(out / "results"), grids={}, seeds=[0])
config["period"] = {"start": "2021-01-01", "end": "2021-02-28" if small else "2021-03-31"}
config["grid"]["resolution"] = 0.16 if small else 0.08
config["models"] = {name: config["models"][name] for name in ("raw", "convgru", "convlstm_at", "convgru_sa")}
for name in ("convgru", "convlstm_at", "convgru_sa"):
    run = {"device": device, "iterations": 20 if small else 300, "eval_every": 10 if small else 100}
    run |= {"checkpoint_every": run["iterations"], "precision": "auto"}
    config["models"][name] |= run | ({"hidden_channels": 4} if small else {})
(out / "gpu_check.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
EOF
MODELS="$OUT/results/gpu_check/models"
start=$(date +%s)
"$PYTHON" -m snakemake "$MODELS"/{convgru,convlstm_at,convgru_sa}/seed_0/best.pt -s "$REPO/Snakefile" \
    -d "$OUT/work" --configfile "$OUT/gpu_check.yaml" --cores all --quiet rules
echo "workflow: $(($(date +%s) - start)) s"

echo "== step rates on $DEVICE (validations included)"
for model in convgru convlstm_at convgru_sa; do
    "$PYTHON" - "$MODELS/$model/seed_0/training_log.csv" "$model" <<'EOF'
import sys

import pandas as pd

log = pd.read_csv(sys.argv[1]).iloc[-1]
print(f"{sys.argv[2]:12s} {int(log['iteration'])} iterations in {log['seconds']:.1f} s: "
      f"{log['iteration'] / log['seconds']:.1f} it/s, validation RMSE {log['val_rmse']:.3f} degC")
EOF
done
grep -h " on $DEVICE" "$OUT/results/gpu_check/logs/train_deep/"*/*.log || { echo "gpu_check: a training did not run on $DEVICE" >&2; exit 5; }

echo "== sstbias correct on $DEVICE"
forecast=$(ls "$OUT/results/gpu_check/raw/hycom/"*.nc | tail -1)
start=$("$PYTHON" -c 'import time; print(time.time())')
"$PYTHON" -m sstbias correct --model "$MODELS/convgru_sa/seed_0" --forecast "$forecast" \
    --out "$OUT/corrected.nc" --device "$DEVICE" --overwrite
"$PYTHON" - "$OUT/corrected.nc" "$start" <<'EOF'
import sys
import time

import numpy as np
import xarray as xr

corrected = xr.open_dataset(sys.argv[1])["sst_corrected"]
finite = np.isfinite(corrected.values)
print(f"corrected {corrected.sizes['time']} days of {corrected.shape[1:]} cells in {time.time() - float(sys.argv[2]):.1f} s "
      f"(process start included); {finite.mean():.0%} finite, {float(corrected.min()):.2f} .. "
      f"{float(corrected.max()):.2f} degC")
if not finite.any():
    sys.exit("gpu_check: the corrected file holds no value")
EOF
echo "gpu_check: done on $DEVICE; outputs under $OUT"
