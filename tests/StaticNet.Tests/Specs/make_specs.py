"""Writes the spec files of the numeric test networks (run from this folder; output is committed).

Numerics/: for every activation and both precisions, a deep network whose widths are the odd sizes
1, 3, 7, 9, 17, 33, 65, so that unrolled layers, vector bodies and scalar tails are all exercised.
Gradients/: double-precision networks for every hidden activation x loss configuration x bias on/off,
checked against central finite differences.
"""
import json
import os

ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu", "softplus", "step"]
TRAINABLE = [a for a in ACTIVATIONS if a != "step"]


def pascal(name):
    return "".join(part.capitalize() for part in name.split("_"))


# Editors validate and complete the specs with the schema (relative to Numerics/ and Gradients/).
SCHEMA = "../../../../src/StaticNet/schema/staticnet.schema.json"


def write(folder, spec):
    with open(os.path.join(folder, spec["name"] + ".staticnet.json"), "w") as f:
        json.dump({"$schema": SCHEMA, **spec}, f, indent=2)
        f.write("\n")


def layer(units, activation, bias=True):
    entry = {"units": units, "activation": activation}
    if activation == "leaky_relu":
        entry["alpha"] = 0.1
    if activation == "elu":
        entry["alpha"] = 0.8
    if not bias:
        entry["bias"] = False
    return entry


for precision in ["float", "double"]:
    for activation in ACTIVATIONS + ["softmax"]:
        hidden = "tanh" if activation == "softmax" else activation
        last = layer(3, "softmax") if activation == "softmax" else layer(1, activation)
        write("Numerics", {
            "name": f"Deep{pascal(activation)}{pascal(precision)}",
            "precision": precision,
            "inputs": 9,
            "layers": [layer(65, hidden), layer(33, hidden, bias=False), layer(17, hidden), layer(7, hidden), layer(3, hidden), last],
        })

# Long rows (157 and 131 inputs) take the single-sample 512-bit loop where the hardware has AVX-512, then the
# Vector<T> loop and the scalar tail for the inputs left over; softmax over 11 outputs is vectorized.
for precision in ["float", "double"]:
    write("Numerics", {
        "name": f"LongRows{pascal(precision)}",
        "precision": precision,
        "inputs": 157,
        "layers": [layer(19, "relu"), layer(131, "leaky_relu", bias=False), layer(11, "softmax")],
    })

OUTPUTS = {
    "Mse": ("same", "mse"),
    "SoftmaxCe": ("softmax", "cross_entropy"),
    "LogitsCe": ("identity", "cross_entropy"),
    "SigmoidBce": ("sigmoid", "binary_cross_entropy"),
    "SoftmaxMse": ("softmax", "mse"),
}
for activation in TRAINABLE:
    for config, (output, loss) in OUTPUTS.items():
        for bias in [True, False]:
            out_activation = activation if output == "same" else output
            write("Gradients", {
                "name": f"Grad{pascal(activation)}{config}{'' if bias else 'NoBias'}",
                "precision": "double",
                "inputs": 5,
                "layers": [layer(7, activation, bias), layer(9, activation, bias), layer(3, out_activation, bias)],
                "loss": loss,
            })
