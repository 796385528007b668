"""Writes the mixed-dtype file that SafetensorsLayoutTest compares Pare's writer against, with the Python
`safetensors` package (the reference), and prints its header and sha256.

Run where torch and safetensors are installed:  python3 safetensors_layout_reference.py [out.safetensors]
Tensor k's byte j is (j * 31 + k * 7) & 0xff, or (j + k) & 1 for BOOL; the test rebuilds the same bytes.
"""
import hashlib
import struct
import sys

import numpy as np
import torch
from safetensors.torch import save_file

# (name, torch dtype, shape) in the order the test lists them; names chosen so that dtype rank and name order disagree,
# and so that UTF-8 byte order differs from UTF-16 order (U+FF21 vs U+1F600), and to exercise JSON escaping.
SPECS = [
    ("a.bool", torch.bool, [3]),
    ("b.u8", torch.uint8, [5]),
    ("z.f32", torch.float32, [2, 3]),
    ("a.f32", torch.float32, [4]),
    ("m.i64", torch.int64, [2]),
    ("m.f64", torch.float64, [2]),
    ("\u00e9.bf16", torch.bfloat16, [3]),
    ("e.bf16", torch.bfloat16, [1, 3]),
    ("x.f16", torch.float16, [5]),
    ("y.u16", torch.uint16, [3]),
    ("y.i16", torch.int16, [3]),
    ("q.i32", torch.int32, [2, 2]),
    ("q.u32", torch.uint32, [1]),
    ("k.i8", torch.int8, [7]),
    ("tab\tquote\"back\\slash\x01\x1f", torch.float32, [1]),
    ("\U0001F600.f32", torch.float32, [2]),
    ("\uFF21.f32", torch.float32, [2]),
    ("scalar.f32", torch.float32, []),
    ("empty.f16", torch.float16, [0, 4]),
]


def tensor(k, dtype, shape):
    n = 1
    for d in shape:
        n *= d
    if n == 0:
        return torch.empty(shape, dtype=dtype)  # a zero-byte buffer cannot be viewed as another dtype
    size = n * torch.empty((), dtype=dtype).element_size()
    j = np.arange(size, dtype=np.int64)
    raw = ((j + k) & 1) if dtype == torch.bool else ((j * 31 + k * 7) & 0xFF)
    return torch.from_numpy(raw.astype(np.uint8)).view(dtype).reshape(shape).clone()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "layout_reference.safetensors"
    save_file({name: tensor(k, dt, shape) for k, (name, dt, shape) in enumerate(SPECS)}, out, metadata={"format": "pt"})
    data = open(out, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    print("header:", data[8:8 + n].decode("utf-8").encode("unicode_escape").decode("ascii"))
    print("header length:", n, "file length:", len(data))
    print("sha256:", hashlib.sha256(data).hexdigest())


if __name__ == "__main__":
    main()
