"""Lesson 5's encoder training step in PyTorch, as a yardstick: prints messages per second.

Usage: transformer_pytorch.py STEPS BLOCKS THREADS: the fastest of BLOCKS
blocks of STEPS steps, as the bench times the wasm side. The same model as
solutions/05-transformer, written out as it is there rather than with
nn.TransformerEncoderLayer (no dropout, its own masking): token embedding
plus sinusoidal positions; per block, self-attention with separate query,
key, value and output projections, a residual and layer norm (epsilon 1e-5),
a ReLU feed-forward, a residual and layer norm; the mean over the real tokens;
a linear head; cross-entropy; Adam. Hyperparameters as the lesson's: batch 32,
64 tokens, vocabulary 2000, dModel 32, 2 heads, feed-forward 64, 1 block.
"""
import math
import sys

import torch
from torch import nn

from fastest_block import fastest_block

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 40
blocks = int(sys.argv[2]) if len(sys.argv) > 2 else 5
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 1
torch.set_num_threads(threads)
torch.manual_seed(0)
VOCABULARY, LENGTH, D_MODEL, HEADS, D_FF, BLOCKS, BATCH, CLASSES = 2000, 64, 32, 2, 64, 1, 32, 2


def positions(length, d_model):
    pos = torch.arange(length, dtype=torch.float32)[:, None]
    i = torch.arange(0, d_model, 2, dtype=torch.float32)[None, :]
    angle = pos / torch.pow(10000.0, i / d_model)
    out = torch.zeros(length, d_model)
    out[:, 0::2] = torch.sin(angle)
    out[:, 1::2] = torch.cos(angle)
    return out


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.query, self.key, self.value, self.output = (nn.Linear(D_MODEL, D_MODEL) for _ in range(4))
        self.norm1, self.norm2 = nn.LayerNorm(D_MODEL, eps=1e-5), nn.LayerNorm(D_MODEL, eps=1e-5)
        self.hidden, self.out = nn.Linear(D_MODEL, D_FF), nn.Linear(D_FF, D_MODEL)

    def attention(self, x, mask):
        batch, length, _ = x.shape
        dk = D_MODEL // HEADS
        split = lambda t: t.reshape(batch, length, HEADS, dk).transpose(1, 2)
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(dk) + (1 - mask[:, None, None, :]) * -1e9
        merged = (torch.softmax(scores, -1) @ v).transpose(1, 2).reshape(batch, length, D_MODEL)
        return self.output(merged)

    def forward(self, x, mask):
        x = self.norm1(x + self.attention(x, mask))
        return self.norm2(x + self.out(torch.relu(self.hidden(x))))


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCABULARY, D_MODEL)
        self.register_buffer('positions', positions(LENGTH, D_MODEL))
        self.blocks = nn.ModuleList(Block() for _ in range(BLOCKS))
        self.head = nn.Linear(D_MODEL, CLASSES)

    def forward(self, ids):
        mask = (ids != 0).float()
        x = self.embedding(ids) + self.positions
        for block in self.blocks:
            x = block(x, mask)
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdim=True)
        return self.head(pooled)


model = Encoder()
optimizer = torch.optim.Adam(model.parameters(), lr=0.003)
lengths = torch.randint(8, LENGTH + 1, (BATCH, 1))
ids = torch.randint(2, VOCABULARY, (BATCH, LENGTH)) * (torch.arange(LENGTH)[None, :] < lengths)
labels = torch.randint(0, CLASSES, (BATCH,))
loss_function = nn.CrossEntropyLoss()


def step():
    optimizer.zero_grad()
    loss = loss_function(model(ids), labels)
    loss.backward()
    optimizer.step()
    return loss.item()


for _ in range(5):
    step()
print(round(steps * BATCH / fastest_block(step, steps, blocks)))
