"""GPTQ and SparseGPT on llama20m the way IST-DASLab's llama.py drive them (H as a running mean of 2·xxᵀ over windows
in F32; GPTQ: true-sequential groups k,v,q → o → up,gate → down, fasterquant per channel or per group, optional
act-order; SparseGPT: all linears of a block from one pass, fasterprune; each block run again with its compressed
weights for the next block's inputs), repeated over shuffled orders of the same calibration windows: how far the
reference itself moves when only the order of its sums changes (bench/RESULTS.md).

usage: python3 obs_reference.py DATA gptq BITS GROUPSIZE ACT_ORDER(0|1) SEEDS
       python3 obs_reference.py DATA sparsegpt SPARSITY SEEDS
       (SEEDS e.g. 0,1,2; 0 = file order; env: see reference_model.py)
"""
import math
import sys

import numpy as np
import torch

from reference_model import LINEARS, BlockRunner, calibration, dtype, hooks, load_model, perplexity
from torch_reference import fasterprune, fasterquant

SEQUENTIAL = [["self_attn.k_proj", "self_attn.v_proj", "self_attn.q_proj"], ["self_attn.o_proj"],
              ["mlp.up_proj", "mlp.gate_proj"], ["mlp.down_proj"]]


@torch.no_grad()
def compress_model(model, calib, groups, compress):
    """compress(W, H) → the new W, for each linear of each group, H measured on the block as compressed so far."""
    blocks = BlockRunner(model, calib)
    for layer in model.model.layers:
        for names in groups:
            H = {n: torch.zeros((layer.get_submodule(n).in_features,) * 2, device=layer.self_attn.q_proj.weight.device) for n in names}
            count = {n: 0 for n in names}

            def add_batch(name, x):
                H[name] *= count[name] / (count[name] + 1)
                count[name] += 1
                x = math.sqrt(2 / count[name]) * x.t()
                H[name] += x.matmul(x.t())

            handles = hooks(layer, names, add_batch)
            blocks.run(layer)
            for h in handles:
                h.remove()
            for n in names:
                m = layer.get_submodule(n)
                m.weight.data = compress(m.weight.data, H[n]).to(m.weight.dtype)
        blocks.run(layer)
        blocks.advance()


def main():
    data, method = sys.argv[1], sys.argv[2]
    if method == "gptq":
        bits, groupsize, actorder = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
        label, groups = f"gptq w{bits} g{groupsize} act {int(actorder)}", SEQUENTIAL
        compress = lambda W, H: fasterquant(W, H, bits=bits, groupsize=groupsize, actorder=actorder)[0]
    else:
        sparsity = float(sys.argv[3])
        label, groups = f"sparsegpt {sparsity}", [LINEARS]
        compress = lambda W, H: fasterprune(W, H, sparsity=sparsity)[0]
    seeds = [int(s) for s in sys.argv[-1].split(",")]
    ppls = []
    for seed in seeds:
        model = load_model(data)
        compress_model(model, calibration(data, seed), groups, compress)
        ppls.append(perplexity(model, data))
        print(f"reference {label} ({dtype}) order {seed}: WikiText-2 {ppls[-1]:.4f}", flush=True)
    if len(ppls) > 1:
        print(f"reference {label} ({dtype}): mean {np.mean(ppls):.4f} sd {np.std(ppls, ddof=1):.4f} "
              f"min {min(ppls):.4f} max {max(ppls):.4f} over {len(ppls)} orders")


if __name__ == "__main__":
    main()
