"""The bench's LeNet step in PyTorch, as a yardstick: prints images per second.

Usage: lenet_pytorch.py STEPS BLOCKS THREADS: the fastest of BLOCKS blocks
of STEPS steps, as the bench times the wasm side. The model is the
project's LeNet (lib/models/lenet.ts): no padding, so 256 features after flatten; batch 32,
SGD with momentum, cross-entropy on logits.
"""
import sys

import torch
from torch import nn

from fastest_block import fastest_block

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 150
blocks = int(sys.argv[2]) if len(sys.argv) > 2 else 5
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 1
torch.set_num_threads(threads)
torch.manual_seed(0)
features = nn.Sequential(
    nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(),
)
images = torch.randn(32, 1, 28, 28)
flat = features(images).shape[1]
assert flat == 256, f"the project's LeNet has 256 features after flatten, this one {flat}"
model = nn.Sequential(features, nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
labels = torch.randint(0, 10, (32,))
loss_function = nn.CrossEntropyLoss()


def step():
    optimizer.zero_grad()
    loss_function(model(images), labels).backward()
    optimizer.step()


for _ in range(10):
    step()
print(round(steps * 32 / fastest_block(step, steps, blocks)))
