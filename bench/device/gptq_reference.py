"""GPTQ on llama20m the way IST-DASLab gptq's llama.py drives it (true-sequential groups k,v,q → o → up,gate → down,
H as a running mean of 2·xxᵀ over windows in F32, fasterquant per channel or per group, optional act-order, each
block run again with its quantized weights for the next block's inputs), repeated over shuffled orders of the same
calibration windows: how far the reference itself moves when only the order of its sums changes (bench/RESULTS.md).

usage: python3 gptq_reference.py DATA BITS GROUPSIZE ACT_ORDER(0|1) SEEDS   (SEEDS e.g. 0,1,2; 0 = file order;
       env: see reference_model.py)
"""
import math
import sys

import numpy as np
import torch

from reference_model import BlockRunner, calibration, dtype, hooks, load_model, perplexity
from torch_reference import fasterquant

SEQUENTIAL = [["self_attn.k_proj", "self_attn.v_proj", "self_attn.q_proj"], ["self_attn.o_proj"],
              ["mlp.up_proj", "mlp.gate_proj"], ["mlp.down_proj"]]


@torch.no_grad()
def quantize_model(model, calib, bits, groupsize, actorder):
    blocks = BlockRunner(model, calib)
    for layer in model.model.layers:
        for names in SEQUENTIAL:
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
                Q, _ = fasterquant(m.weight.data, H[n], bits=bits, groupsize=groupsize, actorder=actorder)
                m.weight.data = Q.to(m.weight.dtype)
        blocks.run(layer)
        blocks.advance()


def main():
    data, bits, groupsize, actorder = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
    seeds = [int(s) for s in sys.argv[5].split(",")]
    ppls = []
    for seed in seeds:
        model = load_model(data)
        quantize_model(model, calibration(data, seed), bits, groupsize, actorder)
        ppls.append(perplexity(model, data))
        print(f"reference gptq w{bits} g{groupsize} act {int(actorder)} ({dtype}) order {seed}: WikiText-2 {ppls[-1]:.4f}", flush=True)
    if len(ppls) > 1:
        print(f"reference gptq w{bits} g{groupsize} act {int(actorder)} ({dtype}): mean {np.mean(ppls):.4f} sd {np.std(ppls, ddof=1):.4f} "
              f"min {min(ppls):.4f} max {max(ppls):.4f} over {len(ppls)} orders")


if __name__ == "__main__":
    main()
