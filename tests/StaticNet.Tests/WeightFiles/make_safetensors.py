#!/usr/bin/python3
"""Golden files for the weight-file tests, written with PyTorch and the standard library only.

Run from anywhere with Debian's PyTorch:  /usr/bin/python3 tests/StaticNet.Tests/WeightFiles/make_safetensors.py
It writes into tests/StaticNet.Tests/Golden/WeightFiles/:

  torch_mlp_f32.safetensors   state_dict of Sequential(Linear(4,8), ReLU(), Linear(8,3)), F32
  torch_mlp_f16.safetensors   the same parameters rounded to float16
  torch_mlp_bf16.safetensors  the same parameters rounded to bfloat16
  torch_mlp_f64.safetensors   the same parameters widened to float64
  torch_mlp.json              inputs; per variant the parameters as PyTorch reads them back (float32,
                              canonical order) and the float32 outputs of the model with those parameters

The safetensors writer below is independent of the `safetensors` package (struct + json only) and follows
the layout of its reference implementation: u64 little-endian header length, compact JSON header with
"__metadata__" first, padded with spaces to a multiple of 8, then the raw little-endian row-major data.
"""
import json
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Golden", "WeightFiles")

DTYPE_NAMES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64"}


def tensor_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: reinterpret the bits
        t = t.view(torch.int16)
    data = t.numpy().tobytes()
    assert struct.pack("<H", 1) == struct.pack("=H", 1), "little-endian host expected"
    return data


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": dict(metadata)}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        data = tensor_bytes(t)
        header[name] = {"dtype": DTYPE_NAMES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in blobs:
            f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(20240607)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    inputs = torch.randn(6, 4, dtype=torch.float32)
    state = model.state_dict()

    golden = {
        "spec": {"name": "TorchMlp", "inputs": 4, "layers": [{"units": 8, "activation": "relu"}, {"units": 3}]},
        "torch": torch.__version__,
        "keys": list(state.keys()),
        "inputs": inputs.tolist(),
        "variants": {},
    }
    for suffix, dtype in (("f32", torch.float32), ("f16", torch.float16), ("bf16", torch.bfloat16), ("f64", torch.float64)):
        converted = {k: v.to(dtype) for k, v in state.items()}
        write_safetensors(os.path.join(OUT, f"torch_mlp_{suffix}.safetensors"), converted, {"format": "pt"})
        # What a float32 network holds after loading this file, and what it then predicts.
        as_float = {k: v.to(torch.float32) for k, v in converted.items()}
        reference = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
        reference.load_state_dict(as_float)
        with torch.no_grad():
            outputs = reference(inputs)
        parameters = torch.cat([as_float[k].reshape(-1) for k in state.keys()])
        golden["variants"][suffix] = {
            "file": f"torch_mlp_{suffix}.safetensors",
            "dtype": DTYPE_NAMES[dtype],
            "parameters": [float(x) for x in parameters.tolist()],
            "outputs": outputs.tolist(),
        }
    with open(os.path.join(OUT, "torch_mlp.json"), "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
