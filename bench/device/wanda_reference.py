"""Wanda on llama20m the way locuslab/wanda's prune_wanda does it (per-column ‖X‖² as a running mean over windows in
F32, |W|·sqrt(‖X‖²) pruned per output row by a stable sort, one forward pass per block for the statistics and one
with the pruned weights for the next block's inputs), to compare Pare's masks with it layer by layer
(bench/RESULTS.md, "wanda_70"). Prints the perplexity, the share of weights whose mask differs from Pare's in each
layer, and Pare's output evaluated by transformers.

usage: python3 wanda_reference.py DATA SPARSITY OUT [PARE_OUTPUT_DIR]   (env: see reference_model.py)
"""
import json
import os
import sys

import torch

from reference_model import LINEARS, BlockRunner, calibration, dtype, attn, hooks, load_checkpoint, load_model, perplexity


@torch.no_grad()
def prune_wanda(model, calib, sparsity):
    blocks = BlockRunner(model, calib)
    masks = {}
    for i, layer in enumerate(model.model.layers):
        mods = {name: layer.get_submodule(name) for name in LINEARS}
        scaler = {name: torch.zeros(m.in_features, device=m.weight.device) for name, m in mods.items()}
        count = {name: 0 for name in mods}

        def add_batch(name, x):
            scaler[name] *= count[name] / (count[name] + 1)
            count[name] += 1
            scaler[name] += torch.norm(x, p=2, dim=0) ** 2 / count[name]

        handles = hooks(layer, LINEARS, add_batch)
        blocks.run(layer)
        for h in handles:
            h.remove()
        for name, m in mods.items():
            metric = m.weight.data.abs() * torch.sqrt(scaler[name].reshape(1, -1))
            order = torch.sort(metric, dim=-1, stable=True)[1]
            mask = torch.zeros_like(metric, dtype=torch.bool)
            mask.scatter_(1, order[:, : int(metric.shape[1] * sparsity)], True)
            m.weight.data[mask] = 0
            masks[f"{i}.{name}"] = mask
        blocks.run(layer)
        blocks.advance()
    return masks


def main():
    data, sparsity, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    pare_dir = sys.argv[4] if len(sys.argv) > 4 else None
    model = load_model(data)
    masks = prune_wanda(model, calibration(data), sparsity)
    ppl = perplexity(model, data)
    print(f"reference wanda {sparsity} ({dtype}, {attn}): WikiText-2 {ppl:.4f}")
    if not pare_dir:
        return
    pare = load_checkpoint(data, pare_dir)
    rows = []
    for key, mask in masks.items():
        i, name = key.split(".", 1)
        pmask = pare.model.layers[int(i)].get_submodule(name).weight.data == 0
        disagree = (pmask != mask).float().mean().item()
        rows.append({"layer": key, "disagree": disagree})
        print(f"{key:22s} masks differ on {disagree * 100:7.3f}% of weights")
    pare_ppl = perplexity(pare, data)
    print(f"Pare's output evaluated by transformers in {dtype}: {pare_ppl:.4f}")
    os.makedirs(out, exist_ok=True)
    with open(f"{out}/wanda_masks_{os.environ.get('REF_DTYPE', 'float16')}_{attn}.json", "w") as f:
        json.dump({"reference_ppl": ppl, "pare_ppl_transformers": pare_ppl, "layers": rows}, f, indent=1)


if __name__ == "__main__":
    main()
