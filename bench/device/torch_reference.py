"""PyTorch baselines of the per-layer phases Pare runs on the GPU, written as the reference implementations do them
(IST-DASLab gptq.py `add_batch` + `fasterquant`, sparsegpt.py `fasterprune`): same blocksize 128, percdamp 0.01, FP32,
TF32 off. Timed on the same card in the same call as Pare's numbers (bench/device/run.sh).

usage: python3 torch_reference.py [batches]   (each batch: 2048 calibration tokens)
"""
import sys
import time

import torch

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
dev = torch.device("cuda")


def timed(fn):
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    out = fn()
    torch.cuda.synchronize()
    return out, time.perf_counter() - t0


def add_batches(cols, batches, tokens=2048):
    H = torch.zeros((cols, cols), device=dev)
    n = 0
    g = torch.Generator(device=dev).manual_seed(1)
    xs = [torch.randn((tokens, cols), device=dev, generator=g) for _ in range(min(batches, 2))]
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for b in range(batches):
        inp = xs[b % len(xs)].t()
        H *= n / (n + 1)
        n += 1
        inp = (2 / n) ** 0.5 * inp.float()
        H += inp.matmul(inp.t())
    torch.cuda.synchronize()
    return H, (time.perf_counter() - t0) / batches


def find_params(x, maxq):
    xmin = torch.minimum(x.min(1)[0], torch.zeros(x.shape[0], device=dev))
    xmax = torch.maximum(x.max(1)[0], torch.zeros(x.shape[0], device=dev))
    tmp = (xmin == 0) & (xmax == 0)
    xmin[tmp] = -1
    xmax[tmp] = +1
    scale = (xmax - xmin) / maxq
    zero = torch.round(-xmin / scale)
    return scale.unsqueeze(1), zero.unsqueeze(1)


def quantize(x, scale, zero, maxq):
    q = torch.clamp(torch.round(x / scale) + zero, 0, maxq)
    return scale * (q - zero)


def prepare(W, H, percdamp, actorder=False):
    H = H.clone()
    W = W.clone().float()
    dead = torch.diag(H) == 0
    H[dead, dead] = 1
    W[:, dead] = 0
    perm = None
    if actorder:
        perm = torch.argsort(torch.diag(H), descending=True)
        W, H = W[:, perm], H[perm][:, perm]
    damp = percdamp * torch.mean(torch.diag(H))
    diag = torch.arange(H.shape[0], device=dev)
    H[diag, diag] += damp
    H = torch.linalg.cholesky(H)
    H = torch.cholesky_inverse(H)
    H = torch.linalg.cholesky(H, upper=True)
    return W, H, perm


def fasterquant(W, H, bits=4, groupsize=128, blocksize=128, percdamp=.01, actorder=False):
    """groupsize <= 0: one grid per output channel, fitted on the whole W first (the reference's default)."""
    maxq = 2 ** bits - 1
    scale = zero = None
    if groupsize <= 0:
        scale, zero = find_params(W.float(), maxq)
    W, Hinv, perm = prepare(W, H, percdamp, actorder)
    cols = W.shape[1]
    Q = torch.zeros_like(W)
    Losses = torch.zeros_like(W)
    for i1 in range(0, cols, blocksize):
        i2 = min(i1 + blocksize, cols)
        count = i2 - i1
        W1 = W[:, i1:i2].clone()
        Q1 = torch.zeros_like(W1)
        Err1 = torch.zeros_like(W1)
        Losses1 = torch.zeros_like(W1)
        Hinv1 = Hinv[i1:i2, i1:i2]
        for i in range(count):
            w = W1[:, i]
            d = Hinv1[i, i]
            if groupsize > 0 and (i1 + i) % groupsize == 0:
                scale, zero = find_params(W[:, (i1 + i):(i1 + i + groupsize)], maxq)
            q = quantize(w.unsqueeze(1), scale, zero, maxq).flatten()
            Q1[:, i] = q
            Losses1[:, i] = (w - q) ** 2 / d ** 2
            err1 = (w - q) / d
            W1[:, i:] -= err1.unsqueeze(1).matmul(Hinv1[i, i:].unsqueeze(0))
            Err1[:, i] = err1
        Q[:, i1:i2] = Q1
        Losses[:, i1:i2] = Losses1 / 2
        W[:, i2:] -= Err1.matmul(Hinv[i1:i2, i2:])
    if perm is not None:
        Q = Q[:, torch.argsort(perm)]
    return Q, torch.sum(Losses).item()


def fasterprune(W, H, sparsity=.5, blocksize=128, percdamp=.01):
    W, Hinv, _ = prepare(W, H, percdamp)
    cols = W.shape[1]
    Losses = torch.zeros(W.shape[0], device=dev)
    for i1 in range(0, cols, blocksize):
        i2 = min(i1 + blocksize, cols)
        count = i2 - i1
        W1 = W[:, i1:i2].clone()
        Q1 = torch.zeros_like(W1)
        Err1 = torch.zeros_like(W1)
        Losses1 = torch.zeros_like(W1)
        Hinv1 = Hinv[i1:i2, i1:i2]
        tmp = W1 ** 2 / (torch.diag(Hinv1).reshape((1, -1))) ** 2
        thresh = torch.sort(tmp.flatten())[0][int(tmp.numel() * sparsity)]
        mask1 = tmp <= thresh
        for i in range(count):
            w = W1[:, i]
            d = Hinv1[i, i]
            q = w.clone()
            q[mask1[:, i]] = 0
            Q1[:, i] = q
            Losses1[:, i] = (w - q) ** 2 / d ** 2
            err1 = (w - q) / d
            W1[:, i:] -= err1.unsqueeze(1).matmul(Hinv1[i, i:].unsqueeze(0))
            Err1[:, i] = err1
        W[:, i1:i2] = Q1
        Losses += torch.sum(Losses1, 1) / 2
        W[:, i2:] -= Err1.matmul(Hinv[i1:i2, i2:])
    return W, torch.sum(Losses).item()


def main():
    batches = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    print(f"torch {torch.__version__} on {torch.cuda.get_device_name(0)}, TF32 {torch.backends.cuda.matmul.allow_tf32}")
    a = torch.randn(4096, 4096, device=dev)
    torch.matmul(a, a)
    _, t = timed(lambda: [torch.matmul(a, a) for _ in range(10)])
    print(f"torch fp32 GEMM 4096^3: {2 * 4096 ** 3 * 10 / t / 1e12:.1f} TFLOP/s")
    print(f"{'layer (rows x cols)':<22} {'H/batch ms':>10} {'GPTQ s':>8} {'SparseGPT s':>11}")
    for rows, cols in [(4096, 4096), (11008, 4096), (4096, 11008)]:
        H, per_batch = add_batches(cols, batches)
        W = torch.randn((rows, cols), device=dev) * 0.1
        fasterquant(W[:256], H)  # warm-up (kernels, cuSOLVER handles)
        (_, lq), tq = timed(lambda: fasterquant(W, H))
        (_, lp), tp = timed(lambda: fasterprune(W, H))
        print(f"torch {rows:>5} x {cols:<6} {per_batch * 1e3:>10.2f} {tq:>8.3f} {tp:>11.3f}   (losses {lq:.4e} {lp:.4e})", flush=True)
        del H, W
        torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
