"""llama20m under transformers the way the reference drivers (IST-DASLab gptq/sparsegpt llama.py, locuslab wanda) use
it: the model in F16 (REF_DTYPE) on the GPU, block 0's inputs captured for the calibration windows, blocks run one at a
time, WikiText-2 perplexity by the GPTQ protocol. Shared by wanda_reference.py and obs_reference.py.

DATA holds llama20m/ (with calib_128x2048_uint16.bin) and wikitext2_llama20m_uint16.bin.
env REF_DTYPE=float16|bfloat16|float32 (default float16, as the references), REF_ATTN=sdpa|eager (default sdpa)
"""
import os

import numpy as np
import torch
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM

torch.backends.cuda.matmul.allow_tf32 = False
dev = torch.device("cuda")
dtype = getattr(torch, os.environ.get("REF_DTYPE", "float16"))
attn = os.environ.get("REF_ATTN", "sdpa")
LINEARS = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
           "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]


def load_model(data):
    return AutoModelForCausalLM.from_pretrained(f"{data}/llama20m", dtype=dtype, attn_implementation=attn).to(dev).eval()


def load_checkpoint(data, folder):
    """llama20m with the tensors of a Pare output folder in place of its own."""
    model = load_model(data)
    sd = model.state_dict()
    for f in os.listdir(folder):
        if f.endswith(".safetensors"):
            for k, v in load_file(f"{folder}/{f}").items():
                if k in sd:
                    sd[k].copy_(v.to(sd[k].dtype))
    return model


def tokens(path, seqlen=2048):
    ids = np.fromfile(path, dtype=np.uint16).astype(np.int64)
    n = len(ids) // seqlen
    return torch.from_numpy(ids[: n * seqlen].reshape(n, seqlen))


def calibration(data, order_seed=0):
    """The 128 calibration windows; order_seed > 0 shuffles their order (same H up to rounding)."""
    calib = tokens(f"{data}/llama20m/calib_128x2048_uint16.bin")
    if order_seed:
        calib = calib[torch.randperm(len(calib), generator=torch.Generator().manual_seed(order_seed))]
    return calib


@torch.no_grad()
def perplexity(model, data):
    ids = tokens(f"{data}/wikitext2_llama20m_uint16.bin")
    nll = 0.0
    for w in ids:
        logits = model(w.unsqueeze(0).to(dev)).logits.float()
        nll += torch.nn.functional.cross_entropy(logits[0, :-1], w[1:].to(dev)).item()
    return float(np.exp(nll / len(ids)))


class _Catcher(torch.nn.Module):
    def __init__(self, layer, inps):
        super().__init__()
        self.layer, self.inps, self.i, self.kwargs = layer, inps, 0, None

    def forward(self, x, **kwargs):
        self.inps[self.i] = x[0]
        self.i += 1
        self.kwargs = kwargs
        raise ValueError


class BlockRunner:
    """Block 0's inputs for every calibration window, then one block at a time: run(layer) fills outs from inps,
    advance() makes the outputs the next block's inputs."""

    @torch.no_grad()
    def __init__(self, model, calib):
        layers = model.model.layers
        self.inps = torch.zeros((len(calib), calib.shape[1], model.config.hidden_size), dtype=dtype, device=dev)
        catcher = _Catcher(layers[0], self.inps)
        layers[0] = catcher
        for row in calib:
            try:
                model(row.unsqueeze(0).to(dev))
            except ValueError:
                pass
        layers[0] = catcher.layer
        self.kwargs = {k: v for k, v in catcher.kwargs.items() if k in ("attention_mask", "position_ids", "position_embeddings")}
        self.outs = torch.zeros_like(self.inps)

    @torch.no_grad()
    def run(self, layer):
        for j in range(len(self.inps)):
            y = layer(self.inps[j].unsqueeze(0), **self.kwargs)
            self.outs[j] = (y[0] if isinstance(y, tuple) else y)[0]

    def advance(self):
        self.inps, self.outs = self.outs, self.inps


def hooks(layer, names, add_batch):
    """Forward hooks calling add_batch(name, input as [tokens, columns] F32) on the named linears; returns the handles."""
    def hook(name):
        return lambda _, inp, __: add_batch(name, inp[0].reshape(-1, inp[0].shape[-1]).float())
    return [layer.get_submodule(name).register_forward_hook(hook(name)) for name in names]
