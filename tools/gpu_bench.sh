#!/usr/bin/env bash
# The benchmark's speed run on a GPU, in one command: every method's `paper` preset timed against the baseline on synthetic
# 448 px images (bf16, channels_last), then one `real` epoch per method on cub100 while the time limit allows.
#   bash tools/gpu_bench.sh [SECONDS] [more fgvc bench options]      (default 450 s; e.g. bash tools/gpu_bench.sh 300 --no-real)
# Writes results/<slug>-speed-gpu.json and prints the table. cub100 is found through FGVC_CUB100, weights through FGVC_WEIGHTS.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${1:-450}; shift || true
${PYTHON:-python3} -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else "no CUDA device: this script is for a GPU machine")'
${PYTHON:-python3} -m fgvc_tutorial.cli bench --device cuda --time-limit "$limit" "$@"
