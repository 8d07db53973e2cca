#!/usr/bin/python3
"""Writes iris.safetensors beside this script: the state_dict of the README's PyTorch iris network
(Sequential(Linear(4, 16), ReLU(), Linear(16, 3), Softmax(dim=1)), torch.manual_seed(0), untrained), which the
README's "Weights baked into the build" spec bakes into IrisClassifier (ReadmeProject supplies it as the spec's "iris.safetensors"). Run once with Debian's PyTorch: /usr/bin/python3 <this file>.
Standard library + torch only (no `safetensors` package)."""
import json, os, struct
import torch

torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3), torch.nn.Softmax(dim=1))
header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
for name, t in model.state_dict().items():
    data = t.detach().contiguous().numpy().astype("<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
    blobs.append(data)
    offset += len(data)
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * (-len(text) % 8)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "iris.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
