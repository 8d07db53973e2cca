#!/usr/bin/python3
"""Writes the ONNX import golden files. Run with Debian's PyTorch 1.13 (torch.onnx needs no onnx package):

    /usr/bin/python3 tests/StaticNet.Tests/Golden/Onnx/make_onnx.py

Outputs (all committed; the tests need no Python):
  tests/StaticNet.Tests/Specs/Onnx/<file>.onnx                 each network exported by torch.onnx.export,
                                                               beside the spec that imports it
  tests/StaticNet.Tests/Specs/Onnx/<Name>.staticnet.json       the spec: "onnx" instead of layers
  tests/StaticNet.Tests/Golden/Onnx/onnx_import.golden.json    per network: inputs, PyTorch's outputs, the
                                                               state_dict keys and parameters in canonical order

Numbers are written with repr() of a Python float, which round-trips exactly.
"""

import json
import os

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC_DIR = os.path.join(HERE, "..", "..", "Specs", "Onnx")
SAMPLES = 6


def networks():
    """(class name, onnx file, opset, dtype, module, example input shape, extra spec fields)."""
    torch.manual_seed(1)
    yield ("OnnxIris", "iris_relu_softmax.onnx", 17, torch.float32,
           nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3), nn.Softmax(dim=-1)), (1, 4),
           {"labels": ["setosa", "versicolor", "virginica"]})
    torch.manual_seed(2)
    yield ("OnnxTanhSigmoid", "tanh_sigmoid.onnx", 17, torch.float32,
           nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 6), nn.Tanh(), nn.Linear(6, 1), nn.Sigmoid()), (1, 5), {})
    torch.manual_seed(3)
    yield ("OnnxMixed", "mixed_activations.onnx", 17, torch.float32,
           nn.Sequential(nn.Linear(6, 10), nn.LeakyReLU(0.2), nn.Linear(10, 9), nn.ELU(0.5),
                         nn.Linear(9, 8), nn.GELU(), nn.Linear(8, 7), nn.SiLU(),
                         nn.Linear(7, 5), nn.Softplus(), nn.Linear(5, 4)), (1, 6), {"loss": "mse"})
    torch.manual_seed(4)
    yield ("OnnxDouble", "double_relu_tanh.onnx", 17, torch.float64,
           nn.Sequential(nn.Linear(3, 12), nn.ReLU(), nn.Linear(12, 7), nn.Tanh(), nn.Linear(7, 4), nn.Softmax(dim=1)), (1, 3), {})
    torch.manual_seed(5)
    yield ("OnnxNoBias", "no_bias.onnx", 17, torch.float32,
           nn.Sequential(nn.Linear(4, 6, bias=False), nn.Sigmoid(), nn.Linear(6, 6), nn.GELU(), nn.Linear(6, 2, bias=False)), (1, 4), {})
    torch.manual_seed(6)
    yield ("OnnxOpset13", "opset13_elu_softmax.onnx", 13, torch.float32,
           nn.Sequential(nn.Linear(5, 7), nn.ELU(), nn.Linear(7, 6), nn.LeakyReLU(), nn.Linear(6, 3), nn.Softmax(dim=1)), (1, 5), {})
    torch.manual_seed(7)
    # A rank-3 input makes torch export each Linear as MatMul + Add, with the weight transposed.
    yield ("OnnxMatMulAdd", "matmul_add.onnx", 17, torch.float32,
           nn.Sequential(nn.Linear(4, 5), nn.SiLU(), nn.Linear(5, 3)), (1, 2, 4), {})
    torch.manual_seed(8)
    # nn.Flatten in front of the first Linear: the network's inputs are the flattened 1x3x4 sample.
    yield ("OnnxFlatten", "flatten_relu.onnx", 17, torch.float32,
           nn.Sequential(nn.Flatten(), nn.Linear(12, 6), nn.ReLU(), nn.Linear(6, 3)), (1, 1, 3, 4), {})


def canonical(module):
    """Parameters in StaticNet's canonical order: per Linear its weight row-major, then its bias."""
    values = []
    for layer in module:
        if isinstance(layer, nn.Linear):
            values += layer.weight.detach().reshape(-1).tolist()
            if layer.bias is not None:
                values += layer.bias.detach().tolist()
    return values


def main():
    golden = []
    for name, file_name, opset, dtype, module, shape, extra in networks():
        module = module.to(dtype).eval()
        inputs_width = next(layer for layer in module if isinstance(layer, nn.Linear)).in_features
        example = torch.zeros(shape, dtype=dtype)
        torch.onnx.export(module, example, os.path.join(SPEC_DIR, file_name), opset_version=opset,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
        generator = torch.Generator().manual_seed(100)
        x = (torch.rand((SAMPLES, inputs_width), generator=generator, dtype=torch.float64) * 4 - 2).to(dtype)
        with torch.no_grad():
            y = module(x)
        golden.append({
            "name": name,
            "onnx": file_name,
            "opset": opset,
            "precision": "double" if dtype == torch.float64 else "float",
            "keys": list(module.state_dict().keys()),
            "parameters": canonical(module),
            "inputs": x.tolist(),
            "outputs": y.tolist(),
        })
        spec = {"$schema": "../../../../src/StaticNet/schema/staticnet.schema.json", "name": name, "onnx": file_name}
        spec.update(extra)
        with open(os.path.join(SPEC_DIR, name + ".staticnet.json"), "w") as f:
            f.write("// Written by tests/StaticNet.Tests/Golden/Onnx/make_onnx.py: the network comes from the ONNX file.\n")
            json.dump(spec, f, indent=2)
            f.write("\n")
    with open(os.path.join(HERE, "onnx_import.golden.json"), "w") as f:
        json.dump({"torch": torch.__version__, "networks": golden}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
