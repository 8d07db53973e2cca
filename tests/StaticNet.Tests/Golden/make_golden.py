#!/usr/bin/python3
"""Writes StaticNet's PyTorch golden files. Run with Debian's PyTorch 1.13:

    /usr/bin/python3 tests/StaticNet.Tests/Golden/make_golden.py

Outputs (all committed; the tests need no Python):
  tests/StaticNet.Tests/Specs/Golden/<Name>.staticnet.json   spec of each golden network
  tests/StaticNet.Tests/Golden/<Name>.golden.json            that network's PyTorch numbers
  tests/StaticNet.Tests/Golden/optimizer_steps.golden.json   optimizer updates on fixed gradients

Every number is written with repr() of a Python float, which round-trips exactly (float32 values are
exactly representable as doubles). Parameters are flattened in StaticNet's canonical order: per layer the
nn.Linear weight row-major, then its bias. Optimizers use the single-tensor path (foreach=False).
"""

import json
import math
import os

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC_DIR = os.path.join(HERE, "..", "Specs", "Golden")
BATCH = 8
STEPS = 5

# The optimizer configurations replayed on every golden network. Every hyperparameter is explicit so the
# C# test needs no knowledge of PyTorch's defaults.
NETWORK_OPTIMIZERS = [
    dict(name="sgd", optimizer="SGD", lr=0.1, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0),
    dict(name="sgd_momentum_dampening_wd", optimizer="SGD", lr=0.1, momentum=0.9, dampening=0.1, nesterov=False, weight_decay=0.01),
    dict(name="sgd_nesterov", optimizer="SGD", lr=0.1, momentum=0.9, dampening=0.0, nesterov=True, weight_decay=0.0),
    dict(name="adam", optimizer="Adam", lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, amsgrad=False),
    dict(name="adam_amsgrad_wd", optimizer="Adam", lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01, amsgrad=True),
    dict(name="adamw", optimizer="AdamW", lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01, amsgrad=False),
]

# Extra configurations for the pure optimizer replay (no network involved).
PURE_OPTIMIZERS = NETWORK_OPTIMIZERS + [
    dict(name="sgd_momentum", optimizer="SGD", lr=0.05, momentum=0.5, dampening=0.0, nesterov=False, weight_decay=0.0),
    dict(name="sgd_nesterov_wd", optimizer="SGD", lr=0.05, momentum=0.8, dampening=0.0, nesterov=True, weight_decay=0.1),
    dict(name="sgd_wd", optimizer="SGD", lr=0.2, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.05),
    dict(name="adam_betas_eps", optimizer="Adam", lr=0.02, beta1=0.5, beta2=0.9, eps=1e-3, weight_decay=0.0, amsgrad=False),
    dict(name="adam_wd", optimizer="Adam", lr=0.003, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.1, amsgrad=False),
    dict(name="adamw_amsgrad", optimizer="AdamW", lr=0.01, beta1=0.8, beta2=0.99, eps=1e-8, weight_decay=0.1, amsgrad=True),
    dict(name="adam_lr_schedule", optimizer="Adam", lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, amsgrad=False,
         lr_per_step=[0.01, 0.02, 0.005, 0.005, 0.001]),
    dict(name="sgd_momentum_lr_schedule", optimizer="SGD", lr=0.1, momentum=0.9, dampening=0.0, nesterov=False, weight_decay=0.0,
         lr_per_step=[0.1, 0.1, 0.05, 0.025, 0.0]),
]

NETWORKS = [
    dict(seed=11, spec={
        "name": "GoldenIrisSoftmax", "precision": "float", "inputs": 4,
        "layers": [{"units": 16, "activation": "relu"}, {"units": 3, "activation": "softmax"}],
        "loss": "cross_entropy"}),
    dict(seed=12, spec={
        "name": "GoldenTanhSigmoidBce", "precision": "float", "inputs": 5,
        "layers": [{"units": 7, "activation": "tanh"}, {"units": 3, "activation": "sigmoid"}],
        "loss": "binary_cross_entropy"}),
    dict(seed=13, spec={
        "name": "GoldenGeluSiluMse", "precision": "double", "inputs": 3,
        "layers": [{"units": 9, "activation": "gelu"}, {"units": 4, "activation": "silu"},
                   {"units": 2, "activation": "identity"}],
        "loss": "mse"}),
    dict(seed=14, spec={
        "name": "GoldenEluLeakyLogits", "precision": "double", "inputs": 6,
        "layers": [{"units": 5, "activation": "elu", "alpha": 0.7, "bias": False},
                   {"units": 4, "activation": "leaky_relu", "alpha": 0.2},
                   {"units": 3, "activation": "identity"}],
        "loss": "cross_entropy"}),
    dict(seed=15, spec={
        "name": "GoldenSoftplusSigmoidBce", "precision": "double", "inputs": 2,
        "layers": [{"units": 3, "activation": "softplus"}, {"units": 1, "activation": "sigmoid"}],
        "loss": "binary_cross_entropy"}),
]


def dtype_of(precision):
    return torch.float32 if precision == "float" else torch.float64


def activation_module(layer):
    kind = layer.get("activation", "identity")
    alpha = layer.get("alpha")
    if kind == "identity":
        return None
    if kind == "relu":
        return nn.ReLU()
    if kind == "tanh":
        return nn.Tanh()
    if kind == "sigmoid":
        return nn.Sigmoid()
    if kind == "gelu":
        return nn.GELU()  # erf form
    if kind == "silu":
        return nn.SiLU()
    if kind == "softplus":
        return nn.Softplus()
    if kind == "elu":
        return nn.ELU(alpha=1.0 if alpha is None else alpha)
    if kind == "leaky_relu":
        return nn.LeakyReLU(negative_slope=0.01 if alpha is None else alpha)
    if kind == "softmax":
        return nn.Softmax(dim=1)
    raise ValueError(kind)


class Net:
    """The network as nn.Sequential, plus the loss StaticNet's spec implies (batch mean)."""

    def __init__(self, spec, dtype):
        self.spec = spec
        self.linears = []
        modules = []
        fan_in = spec["inputs"]
        for layer in spec["layers"]:
            linear = nn.Linear(fan_in, layer["units"], bias=layer.get("bias", True), dtype=dtype)
            self.linears.append(linear)
            modules.append(linear)
            act = activation_module(layer)
            if act is not None:
                modules.append(act)
            fan_in = layer["units"]
        self.model = nn.Sequential(*modules)
        self.last = spec["layers"][-1].get("activation", "identity")

    def parameters(self):
        result = []
        for linear in self.linears:
            result.append(linear.weight)
            if linear.bias is not None:
                result.append(linear.bias)
        return result

    def loss(self, inputs, targets):
        loss = self.spec["loss"]
        if loss == "cross_entropy":
            # After softmax: CrossEntropyLoss on the pre-softmax logits, which is exactly -log softmax[label].
            body = self.model[:-1] if self.last == "softmax" else self.model
            return nn.CrossEntropyLoss()(body(inputs), targets)
        outputs = self.model(inputs)
        if loss == "binary_cross_entropy":
            return nn.BCELoss()(outputs, targets)
        if loss == "mse":
            return nn.MSELoss()(outputs, targets)
        raise ValueError(loss)


def flatten(tensors):
    return [float(x) for t in tensors for x in t.detach().reshape(-1).tolist()]


def flat_grad(params):
    return flatten([p.grad for p in params])


def set_flat(params, values):
    offset = 0
    with torch.no_grad():
        for p in params:
            n = p.numel()
            p.copy_(torch.tensor(values[offset:offset + n], dtype=p.dtype).reshape(p.shape))
            offset += n
    assert offset == len(values)


def make_optimizer(config, params):
    if config["optimizer"] == "SGD":
        return torch.optim.SGD(params, lr=config["lr"], momentum=config["momentum"], dampening=config["dampening"],
                               nesterov=config["nesterov"], weight_decay=config["weight_decay"], foreach=False)
    cls = torch.optim.Adam if config["optimizer"] == "Adam" else torch.optim.AdamW
    return cls(params, lr=config["lr"], betas=(config["beta1"], config["beta2"]), eps=config["eps"],
               weight_decay=config["weight_decay"], amsgrad=config["amsgrad"], foreach=False)


def set_lr(optimizer, config, step):
    if "lr_per_step" in config:
        for group in optimizer.param_groups:
            group["lr"] = config["lr_per_step"][step]


def to_json(value, indent=0):
    """JSON with one line per list of numbers (floats as repr, which round-trips exactly)."""
    pad = " " * indent
    if isinstance(value, dict):
        items = [f'{pad} {json.dumps(k)}: {to_json(v, indent + 1)}' for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and value and all(isinstance(v, (list, dict)) for v in value):
        items = [pad + " " + to_json(v, indent + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    if isinstance(value, float):
        assert math.isfinite(value)
        return repr(value)
    return json.dumps(value)


def write_json(path, data):
    text = to_json(data) + "\n"
    assert json.loads(text) == data
    with open(path, "w") as f:
        f.write(text)
    print("wrote", os.path.relpath(path))


def golden_network(entry):
    spec = entry["spec"]
    dtype = dtype_of(spec["precision"])
    torch.manual_seed(entry["seed"])
    net = Net(spec, dtype)
    params = net.parameters()
    initial = flatten(params)

    inputs = torch.randn(BATCH, spec["inputs"], dtype=dtype)
    outputs = spec["layers"][-1]["units"]
    golden = {
        "generator": "make_golden.py", "torch": torch.__version__,
        "name": spec["name"], "spec": spec, "batch": BATCH,
        "parameter_count": len(initial),
        # nn.Sequential state_dict keys in canonical order (the weight-file names, DESIGN.md sec. 4).
        "state_dict_keys": list(net.model.state_dict().keys()),
        "initial_parameters": initial,
        "inputs": [[float(v) for v in row] for row in inputs.tolist()],
    }
    if spec["loss"] == "cross_entropy":
        labels = torch.randint(0, outputs, (BATCH,))
        golden["labels"] = [int(v) for v in labels.tolist()]
        targets = labels
    elif spec["loss"] == "binary_cross_entropy":
        if outputs == 1:
            targets = torch.randint(0, 2, (BATCH, outputs)).to(dtype)  # hard 0/1 labels
        else:
            targets = torch.rand(BATCH, outputs, dtype=dtype)  # soft probabilities
        golden["targets"] = [[float(v) for v in row] for row in targets.tolist()]
    else:
        targets = torch.randn(BATCH, outputs, dtype=dtype)
        golden["targets"] = [[float(v) for v in row] for row in targets.tolist()]

    loss = net.loss(inputs, targets)
    loss.backward()
    golden["loss"] = float(loss.item())
    golden["gradient"] = flat_grad(params)

    runs = []
    for config in NETWORK_OPTIMIZERS:
        set_flat(params, initial)
        optimizer = make_optimizer(config, params)
        losses, after = [], []
        for step in range(STEPS):
            set_lr(optimizer, config, step)
            optimizer.zero_grad()
            step_loss = net.loss(inputs, targets)
            step_loss.backward()
            optimizer.step()
            losses.append(float(step_loss.item()))
            after.append(flatten(params))
        runs.append(dict(config, losses=losses, parameters_after_step=after))
    golden["optimizers"] = runs

    os.makedirs(SPEC_DIR, exist_ok=True)
    spec_text = "// Generated by tests/StaticNet.Tests/Golden/make_golden.py; do not edit (rerun the script).\n" \
        + json.dumps(spec, indent=2) + "\n"
    with open(os.path.join(SPEC_DIR, spec["name"] + ".staticnet.json"), "w") as f:
        f.write(spec_text)
    write_json(os.path.join(HERE, spec["name"] + ".golden.json"), golden)


def golden_optimizer_steps():
    """Optimizer updates for a fixed parameter vector and a fixed sequence of gradients."""
    length = 37  # not a multiple of any vector width: exercises the scalar tail
    generator = torch.Generator().manual_seed(2024)
    base = torch.randn(length, dtype=torch.float64, generator=generator)
    grads = [torch.randn(length, dtype=torch.float64, generator=generator) * (0.1 * (k + 1)) for k in range(STEPS)]
    for k, g in enumerate(grads):
        g[3] = 0.0                                # never any gradient: Adam's denominator is eps alone
        g[5] = 1e-3 * (-1) ** k                   # sign flips every step
        g[7] = 10.0 if k == 0 else 1e-4           # one large gradient, then small ones (amsgrad keeps the max)
        g[11] = 0.0 if k < 2 else 0.5             # first non-zero gradient late
    result = {"generator": "make_golden.py", "torch": torch.__version__, "length": length, "steps": STEPS, "cases": []}
    for precision in ("float", "double"):
        dtype = dtype_of(precision)
        p0 = base.to(dtype)
        gs = [g.to(dtype) for g in grads]
        case = {"precision": precision, "initial_parameters": flatten([p0]), "gradients": [flatten([g]) for g in gs],
                "optimizers": []}
        for config in PURE_OPTIMIZERS:
            p = p0.clone().requires_grad_(True)
            optimizer = make_optimizer(config, [p])
            after = []
            for step in range(STEPS):
                set_lr(optimizer, config, step)
                p.grad = gs[step].clone()
                optimizer.step()
                after.append(flatten([p]))
            case["optimizers"].append(dict(config, parameters_after_step=after))
        result["cases"].append(case)
    write_json(os.path.join(HERE, "optimizer_steps.golden.json"), result)


def main():
    torch.set_num_threads(1)
    for entry in NETWORKS:
        golden_network(entry)
    golden_optimizer_steps()


if __name__ == "__main__":
    main()
