#!/usr/bin/python3
"""Times the four benchmark networks in PyTorch, as StaticNet.Benchmarks times them in C#.

Same topologies (nn.Sequential of nn.Linear + activation modules), float32:
  predict      model(x) on one sample [1 x in] under torch.no_grad()
  batch64      model(x) on [64 x in] under torch.no_grad()
  train32      zero_grad, loss(model(x), y) over a mini-batch of 32, backward, SGD step (lr 0: full update arithmetic, stationary state)
  train1       the same with one sample
CrossEntropyLoss on the logits for the classifiers (the softmax is inside the loss, as usual in PyTorch;
StaticNet's softmax+cross_entropy computes the same), MSELoss for "wide". Predict includes the softmax.

Each measurement is the median over many repetitions of time.perf_counter around a group of calls
(the group keeps the timer's own cost negligible). Runs with torch.set_num_threads(1) and with
max(default thread count, cores) threads, and prints one JSON document on stdout.

Usage: /usr/bin/python3 bench/pytorch_bench.py [--quick]
"""
import json
import os
import statistics
import sys
import time

import torch
from torch import nn

NETWORKS = {
    "iris": (4, [(16, "relu"), (3, "softmax")], "ce"),
    "digits": (64, [(32, "relu"), (10, "softmax")], "ce"),
    "mnist": (784, [(128, "relu"), (64, "relu"), (10, "softmax")], "ce"),
    "wide": (256, [(256, "tanh"), (256, "tanh"), (256, "identity")], "mse"),
}


def build(inputs, layers):
    """Returns (training model producing logits, inference model with the softmax)."""
    modules = []
    fan_in = inputs
    for units, activation in layers:
        modules.append(nn.Linear(fan_in, units))
        if activation == "relu":
            modules.append(nn.ReLU())
        elif activation == "tanh":
            modules.append(nn.Tanh())
        fan_in = units
    train_model = nn.Sequential(*modules)
    if layers[-1][1] == "softmax":
        infer_model = nn.Sequential(train_model, nn.Softmax(dim=-1))
    else:
        infer_model = train_model
    return train_model, infer_model


def median_seconds(fn, target_seconds, group):
    """Median seconds per call of fn over repetitions of `group` calls, for about target_seconds."""
    for _ in range(max(3, group)):  # warm-up
        fn()
    samples = []
    deadline = time.perf_counter() + target_seconds
    while time.perf_counter() < deadline or len(samples) < 7:
        start = time.perf_counter()
        for _ in range(group):
            fn()
        samples.append((time.perf_counter() - start) / group)
    return statistics.median(samples), len(samples)


def group_size(fn):
    """Calls per timed group so that a group takes about 2 ms."""
    start = time.perf_counter()
    fn()
    fn()
    once = (time.perf_counter() - start) / 2
    return max(1, min(1000, int(0.002 / max(once, 1e-9))))


def bench_network(name, target_seconds):
    inputs, layers, loss_kind = NETWORKS[name]
    torch.manual_seed(0)
    train_model, infer_model = build(inputs, layers)
    outputs = layers[-1][0]
    x1 = torch.rand(1, inputs)
    x64 = torch.rand(64, inputs)
    x32 = torch.rand(32, inputs)
    if loss_kind == "ce":
        criterion = nn.CrossEntropyLoss()
        y32 = torch.randint(0, outputs, (32,))
        y1 = y32[:1]
    else:
        criterion = nn.MSELoss()
        y32 = torch.rand(32, outputs) * 2 - 1
        y1 = y32[:1]
    # Learning rate 0, as in the C# suite: the step computes the full update, but every repetition starts
    # from the same state (with a real rate, thousands of steps on one mini-batch saturate the network).
    optimizer = torch.optim.SGD(train_model.parameters(), lr=0.0)

    def predict():
        with torch.no_grad():
            infer_model(x1)

    def batch64():
        with torch.no_grad():
            infer_model(x64)

    def train(x, y):
        def step():
            optimizer.zero_grad()
            loss = criterion(train_model(x), y)
            loss.backward()
            optimizer.step()
        return step

    result = {}
    for op, fn, samples_per_call in (
        ("Predict", predict, 1),
        ("PredictBatch64", batch64, 64),
        ("Train32", train(x32, y32), 32),
        ("Train1", train(x1, y1), 1),
    ):
        seconds, reps = median_seconds(fn, target_seconds, group_size(fn))
        result[op] = {"nsPerCall": seconds * 1e9, "samplesPerSecond": samples_per_call / seconds, "repetitions": reps}
    return result


def main():
    quick = "--quick" in sys.argv
    target = 0.3 if quick else 1.0
    default_threads = torch.get_num_threads()
    report = {
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "defaultThreads": default_threads,
        "config": torch.__config__.parallel_info().strip().splitlines()[:6],
        "results": {},
    }
    # This Debian build defaults to 1 thread on this machine; the multi-threaded run then uses every core.
    multi = max(default_threads, os.cpu_count() or 1)
    report["multiThreads"] = multi
    for threads_label, threads in (("1thread", 1), ("multi", multi)):
        torch.set_num_threads(threads)
        report["results"][threads_label] = {name: bench_network(name, target) for name in NETWORKS}
        print(f"pytorch: {threads_label} ({threads} threads) done", file=sys.stderr)
    json.dump(report, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
