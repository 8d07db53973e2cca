#!/usr/bin/env python3
"""Merges one bench/run's measurements into a Markdown report (and a compact JSON beside it).

Inputs (in --artifacts): info.json (the benchmark program's --info), env.json (commit, CPU, ...),
bdn/results/*-report-full.json (BenchmarkDotNet), torch.json (pytorch_bench.py), firstcall.jsonl,
buildtime.json (buildtime.py); --generated points at the generator's output folder of the bench project.
"""
import argparse
import glob
import json
import os
import re
import statistics

NETS = ["iris", "digits", "mnist", "wide"]
NET_SHAPES = {
    "iris": "4-16(relu)-3(softmax)",
    "digits": "64-32(relu)-10(softmax)",
    "mnist": "784-128(relu)-64(relu)-10(softmax)",
    "wide": "256-256(tanh)-256(tanh)-256 (mse)",
}
SPEC_CLASS = {"iris": "IrisBench", "digits": "DigitsBench", "mnist": "MnistBench", "wide": "WideBench"}
OPS = [
    ("Predict", 1, "latency, ns per sample (lower is better)"),
    ("PredictBatch64", 64, "PredictBatch, batch 64: samples/s (higher is better)"),
    ("Train32", 32, "one SGD step, mini-batch 32: samples/s (higher is better)"),
    ("Train1", 1, "one SGD step, batch 1: samples/s (higher is better)"),
]
CSHARP = ["StaticNet", "Expert", "Dynamic", "Naive"]
ORT = "ONNX Runtime"
# Everything BenchmarkDotNet measures (the ONNX Runtime column is inference only).
MEASURED = CSHARP + [ORT]
COMPETITORS = MEASURED + ["PyTorch 1T", "PyTorch nT", "StaticNet nT"]
RATIO_COMPETITORS = ["Naive", "Expert", "Dynamic", "PyTorch 1T", ORT]
# Benchmark method suffix -> report column.
METHOD_COMPETITOR = {"OnnxRuntime": ORT, "StaticNetParallel": "StaticNet nT"}


def load_bdn(folder):
    """{(net, op, competitor): (median ns per call, allocated bytes per call)}."""
    result = {}
    for path in glob.glob(os.path.join(folder, "**", "*-report-full.json"), recursive=True):
        with open(path) as f:
            data = json.load(f)
        for b in data["Benchmarks"]:
            op, competitor = b["Method"].split("_", 1)
            competitor = METHOD_COMPETITOR.get(competitor, competitor)
            match = re.search(r"Net=(\w+)", b["Parameters"] or "")
            net = match.group(1) if match else "machine"   # PeakBenchmarks has no network
            stats = b.get("Statistics")
            if not stats:
                continue
            allocated = (b.get("Memory") or {}).get("BytesAllocatedPerOperation")
            result[(net, op, competitor)] = (stats["Median"], allocated, stats.get("N"), stats["Min"])
    return result


# Dense layers (fanIn, units) per network, for FLOP counts: forward = 2 * sum(fanIn * units) per sample.
LAYERS = {
    "iris": [(4, 16), (16, 3)],
    "digits": [(64, 32), (32, 10)],
    "mnist": [(784, 128), (128, 64), (64, 10)],
    "wide": [(256, 256), (256, 256), (256, 256)],
}


def forward_flops(net):
    return 2 * sum(fan_in * units for fan_in, units in LAYERS[net])


def generator_features(folder):
    """What the generated code of this run contains, read from the generated sources themselves."""
    texts = []
    for path in glob.glob(os.path.join(folder, "*.g.cs")):
        with open(path, encoding="utf-8", errors="replace") as f:
            texts.append(f.read())
    if not texts:
        return "? (generated sources not found)"
    if any("AccumulateGradientBatch" in t for t in texts):
        fused = any("TrySgdStep" in t for t in texts)
        return ("batch kernels: `PredictBatch` and `AccumulateGradientBatch` run feature-major tiles of 4 vectors of samples (32 floats) "
                "through register-blocked kernels (4 weights broadcast x 4 sample vectors); the weight gradient sums sample rows"
                + ("; `TrySgdStep` fuses a plain SGD step of up to one tile into backpropagation" if fused else ""))
    return "per-sample only (no batch kernels)"


def fmt_ns(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:,.2f} ms"
    if ns >= 1e4:
        return f"{ns / 1e3:,.1f} µs"
    if ns >= 1e3:
        return f"{ns / 1e3:,.2f} µs"
    return f"{ns:,.1f} ns"


def fmt_rate(per_second):
    if per_second >= 1e6:
        return f"{per_second / 1e6:,.2f} M/s"
    if per_second >= 1e3:
        return f"{per_second / 1e3:,.1f} k/s"
    return f"{per_second:,.0f} /s"


def fmt_ratio(r):
    return f"{r:,.2f}×" if r < 100 else f"{r:,.0f}×"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--generated", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--json-out", required=True)
    args = parser.parse_args()
    a = args.artifacts

    def read_json(name, default=None):
        path = os.path.join(a, name)
        if not os.path.exists(path):
            return default
        with open(path) as f:
            return json.load(f)

    info = read_json("info.json", {})
    env = read_json("env.json", {})
    torch = read_json("torch.json")
    buildtime = read_json("buildtime.json")
    bdn = load_bdn(os.path.join(a, "bdn"))
    first_calls = []
    if os.path.exists(os.path.join(a, "firstcall.jsonl")):
        with open(os.path.join(a, "firstcall.jsonl")) as f:
            first_calls = [json.loads(line) for line in f if line.strip().startswith("{")]

    ort_cpu = []
    if os.path.exists(os.path.join(a, "ortcpu.jsonl")):
        with open(os.path.join(a, "ortcpu.jsonl")) as f:
            ort_cpu = [json.loads(line) for line in f if line.strip().startswith("{")]

    # ns per call for every (net, op, competitor).
    times = {}
    minimums = {}
    for (net, op, competitor), (median, _, _, minimum) in bdn.items():
        times[(net, op, competitor)] = median
        minimums[(net, op, competitor)] = minimum
    if torch:
        for label, key in (("1thread", "PyTorch 1T"), ("multi", "PyTorch nT")):
            for net, ops in torch["results"].get(label, {}).items():
                for op, values in ops.items():
                    times[(net, op, key)] = values["nsPerCall"]

    lines = []
    w = lines.append
    w(f"# StaticNet benchmarks — {env.get('date', '?')}")
    w("")
    w("| | |")
    w("|---|---|")
    w(f"| commit | `{env.get('commit', '?')}` |")
    w(f"| .NET | {info.get('dotnet', '?')} (BenchmarkDotNet 0.15.8, {env.get('bdnJob', '')}) |")
    w(f"| PyTorch | {torch['torch'] if torch else 'not run'} (Python {torch['python'] if torch else '?'}; multi-threaded run: {torch.get('multiThreads', '?') if torch else '?'} threads) |")
    w(f"| CPU | {env.get('cpu', '?')}, {env.get('cores', '?')} cores |")
    w(f"| Vector&lt;float&gt;.Count | {info.get('vectorFloatCount', '?')} (FMA: {info.get('fma', '?')}, AVX-512 available: {info.get('avx512', '?')}) |")
    w(f"| ONNX Runtime | {info.get('onnxRuntime', '?')} (Microsoft.ML.OnnxRuntime, CPU provider, IntraOpNumThreads = 1, ORT_ENABLE_ALL) |")
    if ort_cpu:
        checks = ", ".join(f"{r['net']} {r['cpuPerWall']:.2f}" for r in ort_cpu)
        w(f"| ONNX Runtime on one core? | process CPU time / wall time during ~2 s of its batch-64 inference: {checks} (1.00 = one busy thread) |")
    w(f"| OS | {info.get('os', '?')} |")
    w(f"| generator features | {generator_features(args.generated)} |")
    w(f"| load average (1/5/15 min) | {env.get('loadBefore', '?')} before BenchmarkDotNet, {env.get('loadAfter', '?')} after |")
    w(f"| suite wall time | {env.get('bdnSeconds', '?')} s for BenchmarkDotNet, {env.get('totalSeconds', '?')} s for all of bench/run |")
    w("")
    w("Medians. Timed training steps use learning rate 0 (every competitor still computes the full update) so that")
    w("all repetitions run on the same state; the agreement check uses 0.01. Ratios are *competitor time / StaticNet time*: above 1 StaticNet is faster, below 1 it is slower.")
    w("All competitors run on the same weights and inputs; the benchmark's global setup checks that their outputs")
    w("and one training step agree with StaticNet's to 1e-4 before anything is timed. The machine is shared")
    w("(2 cores, other builds running), so expect noise of ±10–30 % on single numbers.")
    w("")
    w("Competitors: **StaticNet** = the generated class (through `INetwork<float>`; training = what `Trainer` does for plain SGD:")
    w("`TrySgdStep`, the generated fused step that backpropagates a batch of up to one tile (32 samples) straight into the parameters;")
    w("larger batches would take zero gradient, `AccumulateGradientBatch`, scale, `Sgd.Step`). **Expert** = hand-written `Vector<float>`/FMA code with")
    w("transposed panel-packed weights, register-blocked batches and a batched backward pass with the SGD update")
    w("fused in (bench/StaticNet.Benchmarks/ExpertMlp.cs). **Dynamic** = `DynamicNetwork<float>` (same protocol as")
    w("StaticNet, layer loop at run time; it offers no fused step, so it zeroes, accumulates (the interface's per-sample default), scales and steps). **Naive** = `float[][]` weights, nested loops, `Math.Exp`, new arrays per")
    w("call. **PyTorch** = `nn.Sequential`, `torch.no_grad()` for inference, `CrossEntropyLoss`/`MSELoss` + `optim.SGD`")
    w("for training; 1T = `set_num_threads(1)`, nT = all cores. **StaticNet nT** = the generated class's `PredictBatch` sharded over all cores")
    w("by `BatchPredictor<float>` (whole tiles per thread; batch 64 = one tile of 32 per core). **ONNX Runtime** = the generated network exported with")
    w("`network.ExportOnnx(path)` (StaticNet.Onnx) and run by Microsoft.ML.OnnxRuntime's CPU provider with")
    w("`IntraOpNumThreads = 1` (one core, like every other column but PyTorch nT) and `GraphOptimizationLevel.ORT_ENABLE_ALL`,")
    w("called through its lowest-overhead API: OrtValues created once over pinned `float[]` input/output buffers")
    w("(`OrtValue.CreateTensorValueFromMemory`) and `session.Run(runOptions, inputNames, inputValues, outputNames, outputValues)`")
    w("into the pre-allocated outputs; its allocated bytes are what ORT's managed wrapper allocates per `Run`.")
    w("Inference only (ORT does not train here), so its training cells are empty.")
    w("")
    w("Caveats: when the load average is above the number of cores (see the table above), the PyTorch nT column")
    w("mostly measures OpenMP threads waiting for a core, not PyTorch; compare against 1T. The expert is written")
    w("for the larger layers: on iris (3 outputs padded to 8 lanes, 16 units as two single-vector panels) it is")
    w("slower than the generated fully unrolled code, so it is not a lower bound there.")
    w("")

    # Key ratios.
    w("## Key ratios (StaticNet speed-up over each competitor)")
    w("")
    w("| network | operation | vs Naive | vs Expert | vs Dynamic | vs PyTorch 1T | vs ONNX Runtime |")
    w("|---|---|---:|---:|---:|---:|---:|")
    summary = {}
    for net in NETS:
        for op, _, _ in OPS:
            base = times.get((net, op, "StaticNet"))
            if base is None:
                continue
            cells = []
            for competitor in RATIO_COMPETITORS:
                t = times.get((net, op, competitor))
                ratio = t / base if t else None
                summary.setdefault(net, {}).setdefault(op, {})[competitor] = ratio
                cells.append(fmt_ratio(ratio) if ratio else "–")
            w(f"| {net} | {op} | " + " | ".join(cells) + " |")
    w("")

    w("The same from the *fastest* iteration of each case (BenchmarkDotNet's Min; the columns BenchmarkDotNet measures). On a shared machine")
    w("the minimum is the less disturbed estimate of what the code itself costs.")
    w("")
    w("| network | operation | vs Naive | vs Expert | vs Dynamic | vs ONNX Runtime |")
    w("|---|---|---:|---:|---:|---:|")
    for net in NETS:
        for op, _, _ in OPS:
            base = minimums.get((net, op, "StaticNet"))
            if base is None:
                continue
            cells = []
            for competitor in ["Naive", "Expert", "Dynamic", ORT]:
                t = minimums.get((net, op, competitor))
                cells.append(fmt_ratio(t / base) if t else "–")
            w(f"| {net} | {op} | " + " | ".join(cells) + " |")
    w("")

    # Per network tables.
    for net in NETS:
        w(f"## {net}: {NET_SHAPES[net]}")
        w("")
        w("| operation | " + " | ".join(COMPETITORS) + " |")
        w("|---|" + "---:|" * len(COMPETITORS))
        for op, samples, title in OPS:
            base = times.get((net, op, "StaticNet"))
            cells = []
            for competitor in COMPETITORS:
                t = times.get((net, op, competitor))
                if t is None:
                    cells.append("–")
                    continue
                value = fmt_ns(t / samples) if op == "Predict" else fmt_rate(samples * 1e9 / t)
                if competitor == "StaticNet" or base is None:
                    cells.append(f"**{value}**" if competitor == "StaticNet" else value)
                else:
                    cells.append(f"{value} ({fmt_ratio(t / base)})")
            w(f"| {title} | " + " | ".join(cells) + " |")
        cells = []
        for competitor in MEASURED:
            allocated = [bdn.get((net, op, competitor), (None, None, None, None))[1] for op, _, _ in OPS]
            missing = "–" if competitor == ORT else "?"
            cells.append(" / ".join(missing if x is None else f"{x:,}" for x in allocated))
        w("| allocated bytes per call (Predict / Batch64 / Train32 / Train1) | " + " | ".join(cells) + " | | | |")
        w("")

    # Arithmetic throughput.
    mhz = float(env.get("cpuMHz") or 0)
    lanes = int(info.get("vectorFloatCount") or 8)
    w("## Arithmetic throughput (GFLOP/s)")
    w("")
    w("Forward FLOPs per sample = 2 × Σ fanIn × units (iris 224, digits 4,736, mnist 218,368, wide 393,216); a training")
    w("step counts 3× forward (forward, input gradients, weight gradients; activations, loss and the SGD update not")
    w("counted). 3× is the usual convention and an overestimate here: the first layer needs no input gradient, so the")
    w("work done is ≈ 2.1× forward for mnist, 2.7× for wide, 2.1× for digits, 2.4× for iris; scale the Train32 numbers by")
    w("that factor / 3 for FLOPs actually executed. Medians, so load on the shared machine lowers every number.")
    peak256 = times.get(("machine", "Peak", "Fma256"))
    peak512 = times.get(("machine", "Peak", "Fma512"))
    if peak256:
        flops = 4096 * 12 * 2   # PeakBenchmarks: iterations x chains x 2 FLOP per FMA lane
        measured = f"**{flops * 8 / peak256:.0f} GFLOP/s** with 256-bit FMAs (`Vector<float>` here)"
        if peak512 and str(info.get("avx512")).lower() == "true":
            measured += f", **{flops * 16 / peak512:.0f} GFLOP/s** with 512-bit FMAs (what ONNX Runtime's MLAS uses; `Vector<float>` stays 256-bit unless `DOTNET_MaxVectorTBitWidth=512`)"
        w(f"Single-core peak, **measured** (bench/StaticNet.Benchmarks/PeakBenchmarks.cs: 12 independent FMA chains in registers, median): {measured}.")
    elif mhz:
        peak = 2 * lanes * 2 * mhz / 1000
        w(f"Single-core peak, an **estimate**: 2 FLOP per FMA × {lanes} floats (`Vector<float>`) × 2 FMA ports × {mhz / 1000:.2f} GHz "
          f"(the clock the OS reports; turbo unknown) = **{peak:.0f} GFLOP/s**.")
        if str(info.get("avx512")).lower() == "true":
            w(f"With 512-bit FMAs (AVX-512 is available; ONNX Runtime's MLAS kernels use it, `Vector<float>` stays 256-bit unless "
              f"`DOTNET_MaxVectorTBitWidth=512`) and two 512-bit FMA ports: **{2 * peak:.0f} GFLOP/s** at that clock.")
        w("A measured number above an estimate means the core runs faster than the reported clock (turbo), not that the count is wrong.")
    w("")
    w("| network | operation | StaticNet | Expert | ONNX Runtime | PyTorch 1T |")
    w("|---|---|---:|---:|---:|---:|")
    gflops = {}
    for net in NETS:
        for op, samples, factor in (("PredictBatch64", 64, 1), ("Train32", 32, 3)):
            cells = []
            for competitor in ["StaticNet", "Expert", ORT, "PyTorch 1T"]:
                t = times.get((net, op, competitor))
                if not t:
                    cells.append("–")
                    continue
                value = samples * factor * forward_flops(net) / t
                gflops[f"{net}/{op}/{competitor}"] = value
                cells.append(f"{value:.1f}")
            w(f"| {net} | {op} | " + " | ".join(cells) + " |")
    w("")

    # Generated source size.
    w("## Generated source size")
    w("")
    w("Bytes of the generated `.g.cs` per network (EmitCompilerGeneratedFiles=true, Release). It must grow with")
    w("the number of layers, not the number of weights.")
    w("")
    w("| network | layers | parameters | generated bytes | lines | bytes per parameter |")
    w("|---|---:|---:|---:|---:|---:|")
    params = {"iris": (2, 4 * 16 + 16 + 16 * 3 + 3), "digits": (2, 64 * 32 + 32 + 32 * 10 + 10),
              "mnist": (3, 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10), "wide": (3, 3 * (256 * 256 + 256))}
    sizes = {}
    for net in NETS:
        files = glob.glob(os.path.join(args.generated, f"*{SPEC_CLASS[net]}.g.cs"))
        if not files:
            w(f"| {net} | | | not found | | |")
            continue
        with open(files[0], "rb") as f:
            data = f.read()
        layers, count = params[net]
        sizes[net] = len(data)
        newlines = data.count(b"\n")
        w(f"| {net} | {layers} | {count:,} | {len(data):,} | {newlines:,} | {len(data) / count:.3f} |")
    w("")

    # Build time.
    if buildtime:
        w("## Build time added by the generator")
        w("")
        w(f"A tiny class library built with `{buildtime['command']}`, best of {buildtime['repetitions']} (runs interleaved).")
        w("Wall time includes MSBuild's start-up; *Csc* is the compiler task alone (the generator runs inside it).")
        w("")
        w("| variant | best wall s | best Csc s | all wall s |")
        w("|---|---:|---:|---|")
        labels = {"plain": "no generator", "generator": "generator referenced, no spec", "specs": "generator + the 4 specs"}
        for name, v in buildtime["variants"].items():
            csc = v.get("bestCscSeconds")
            w(f"| {labels.get(name, name)} | {v['bestSeconds']:.2f} | {csc if csc is None else f'{csc:.2f}'} | {', '.join(f'{x:.2f}' for x in v['allSeconds'])} |")
        v = buildtime["variants"]
        if v.get("specs", {}).get("bestCscSeconds") is not None and v.get("plain", {}).get("bestCscSeconds") is not None:
            w("")
            w(f"Added by the generator with 4 specs: {v['specs']['bestCscSeconds'] - v['plain']['bestCscSeconds']:+.2f} s of Csc, "
              f"{v['specs']['bestSeconds'] - v['plain']['bestSeconds']:+.2f} s wall (best vs best; differences below ~0.3 s are noise on this machine).")
        w("")

    # First call.
    if first_calls:
        w("## First call (fresh process, JIT included)")
        w("")
        w("Microseconds, median of the runs (`StaticNet.Benchmarks --first-call NET COMPETITOR`, one process each):")
        w("constructing the competitor from the generated network's parameters, its first `Predict`, its second.")
        w("")
        w("| network | competitor | construct µs | first Predict µs | second Predict µs | runs |")
        w("|---|---|---:|---:|---:|---:|")
        groups = {}
        for r in first_calls:
            groups.setdefault((r["net"], r["competitor"]), []).append(r)
        for net in NETS:
            for competitor in ["staticnet", "expert", "dynamic", "naive"]:
                rs = groups.get((net, competitor))
                if not rs:
                    continue
                med = lambda key: statistics.median(r[key] for r in rs)
                w(f"| {net} | {competitor} | {med('constructUs'):,.0f} | {med('firstPredictUs'):,.0f} | {med('secondPredictUs'):,.1f} | {len(rs)} |")
        w("")

    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    compact = {
        "env": env, "info": info,
        "nsPerCall": {f"{net}/{op}/{competitor}": t for (net, op, competitor), t in sorted(times.items())},
        "minNsPerCall": {f"{net}/{op}/{competitor}": t for (net, op, competitor), t in sorted(minimums.items())},
        "ratios": summary, "generatedBytes": sizes, "gflops": gflops,
        "buildtime": buildtime, "firstCall": first_calls, "ortCpu": ort_cpu,
    }
    with open(args.json_out, "w") as f:
        json.dump(compact, f, indent=1)


if __name__ == "__main__":
    main()
