"""PyTorch eager reference for bench/cell.ts: time of one cell step at batch 1.

Usage: python3 bench/cell-torch.py '{"cells":["rnn_tanh",...],"hidden":[16,...],"input":8,
        "runs":11,"run_ms":10,"warmup_ms":200}'
Prints one JSON list on stdout: [{"cell","hidden","cellCpuNs","stepCpuNs","stepCpuMinNs",
"stepWallNs"}]:
"cell" times torch.nn.RNNCell/GRUCell/LSTMCell alone, "step" the cell plus a Linear(hidden, 1)
head (what one rnn-stream step computes); Cpu is process CPU time (time.process_time_ns, as
node's process.cpuUsage), Wall is wall-clock. Medians of ns per step over `runs` runs, after
warm-up, on one thread, under torch.no_grad(), float32, inputs cycling through 64 fixed random
vectors.
"""
import json
import sys
import time

import torch


def make_cell(kind, input_size, hidden):
    if kind in ("rnn_tanh", "rnn_relu"):
        return torch.nn.RNNCell(input_size, hidden, nonlinearity=kind[4:])
    if kind == "gru":
        return torch.nn.GRUCell(input_size, hidden)
    return torch.nn.LSTMCell(input_size, hidden)


def make_loop(kind, cell, head, xs, hidden):
    state = [torch.zeros(1, hidden), torch.zeros(1, hidden)]

    def loop(n):
        h, c = state
        for i in range(n):
            x = xs[i & 63]
            if kind == "lstm":
                h, c = cell(x, (h, c))
            else:
                h = cell(x, h)
            if head is not None:
                head(h)
        state[0], state[1] = h, c

    return loop


def median_ns(loop, runs, run_ms, warmup_ms):
    """(median wall, median CPU, least CPU) ns per step, measured as bench/cell-measure.ts does."""
    end = time.perf_counter() + warmup_ms / 1000
    while time.perf_counter() < end:
        loop(16)
    n = 16
    while True:
        t0 = time.perf_counter_ns()
        loop(n)
        took = time.perf_counter_ns() - t0
        if took >= run_ms * 1e6 / 4:
            break
        n *= 2
    steps = max(1, round(n * run_ms * 1e6 / took))
    wall, cpu = [], []
    for _ in range(runs):
        c0 = time.process_time_ns()
        t0 = time.perf_counter_ns()
        loop(steps)
        wall.append((time.perf_counter_ns() - t0) / steps)
        cpu.append((time.process_time_ns() - c0) / steps)
    wall.sort()
    cpu.sort()
    return wall[len(wall) // 2], cpu[len(cpu) // 2], cpu[0]


def main():
    cfg = json.loads(sys.argv[1])
    torch.set_num_threads(1)
    torch.manual_seed(0)
    results = []
    with torch.no_grad():
        for kind in cfg["cells"]:
            for hidden in cfg["hidden"]:
                cell = make_cell(kind, cfg["input"], hidden)
                head = torch.nn.Linear(hidden, 1)
                xs = [torch.randn(1, cfg["input"]) for _ in range(64)]
                timing = (cfg["runs"], cfg["run_ms"], cfg["warmup_ms"])
                _, cell_cpu, _ = median_ns(make_loop(kind, cell, None, xs, hidden), *timing)
                step_wall, step_cpu, step_cpu_min = median_ns(make_loop(kind, cell, head, xs, hidden), *timing)
                results.append({
                    "cell": kind, "hidden": hidden, "cellCpuNs": cell_cpu, "stepCpuNs": step_cpu,
                    "stepCpuMinNs": step_cpu_min, "stepWallNs": step_wall,
                })
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
