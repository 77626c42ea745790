"""The bench's LeNet step in PyTorch, as a yardstick: prints images per second."""
import sys
import time

import torch
from torch import nn

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 150
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
images = torch.randn(32, 1, 28, 28)
labels = torch.randint(0, 10, (32,))
loss_function = nn.CrossEntropyLoss()


def step():
    optimizer.zero_grad()
    loss_function(model(images), labels).backward()
    optimizer.step()


for _ in range(10):
    step()
start = time.perf_counter()
for _ in range(steps):
    step()
print(round(steps * 32 / (time.perf_counter() - start)))
