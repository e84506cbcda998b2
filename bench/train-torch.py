#!/usr/bin/env python3
"""PyTorch side of `npm run bench:train` (spawned by bench/train.ts; not meant to be run alone).

argv[1]: a safetensors file with `inputs` [B,T,I], `targets` [B,T,O] and the initial weights
(rnn.* / head.*, float32-exact values stored as F64); argv[2]: JSON {runs, run_ms, warmup_ms,
batches}: each batch size b trains on the first b sequences.

For float32 and float64 it builds rnn = nn.GRU(I, H, 1, batch_first=True) + head = nn.Linear,
loads the weights, and times training calls exactly like ours: zero_grad, forward over the
whole batch (nn.GRU over the full sequence, its fastest CPU path), MSELoss (mean), backward,
Adam(lr=1e-3).step(). One thread (torch.set_num_threads(1)), eager mode. Prints one JSON
object: per dtype and batch size the median steps/s over the runs by process CPU time and the
loss of the first call (a check that both sides train the same model on the same data).
"""
import json
import statistics
import sys
import time

import torch
from safetensors.torch import load_file
from torch import nn


class Net(nn.Module):
    def __init__(self, i, h, o):
        super().__init__()
        self.rnn = nn.GRU(i, h, 1, batch_first=True)
        self.head = nn.Linear(h, o)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(y)


def measure(tensors, dtype, cfg, batch):
    x = tensors["inputs"][:batch].to(dtype)
    target = tensors["targets"][:batch].to(dtype)
    h = tensors["rnn.weight_hh_l0"].shape[1]
    net = Net(x.shape[2], h, target.shape[2]).to(dtype)
    net.load_state_dict({k: v.to(dtype) for k, v in tensors.items() if k.startswith(("rnn.", "head."))})
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(net(x), target)
        loss.backward()
        opt.step()
        return loss.item()

    first_loss = step()
    end = time.perf_counter() + cfg["warmup_ms"] / 1000
    while time.perf_counter() < end:
        step()
    cpu = []
    for _ in range(cfg["runs"]):
        n = 0
        w0, c0 = time.perf_counter(), time.process_time()
        while time.perf_counter() - w0 < cfg["run_ms"] / 1000:
            step()
            n += 1
        cpu.append(n / (time.process_time() - c0))
    return {"cpuStepsPerSec": statistics.median(cpu), "firstLoss": first_loss}


def main():
    torch.set_num_threads(1)
    tensors = load_file(sys.argv[1])
    cfg = json.loads(sys.argv[2])
    result = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    for name, dtype in (("float32", torch.float32), ("float64", torch.float64)):
        result[name] = {str(b): measure(tensors, dtype, cfg, b) for b in cfg["batches"]}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
