"""Design the PAM6 5-bit → 2-symbol labelling stored in ``sigint/modulation.py``.

The 32 points are the 6×6 grid of symbol pairs ``(a, b)`` without its four corners (the 32-point
"cross" constellation). The labelling minimises the mean Hamming distance between the labels of
horizontally or vertically adjacent points (52 edges): nearest-neighbour decision errors are the
ones that matter in AWGN. A perfect Gray labelling (cost 1) does not exist for the cross; simulated
annealing with label swaps from several seeded restarts finds the best one we know.

Run ``python tools/design_pam6_map.py`` to reproduce the table; the result is deterministic for a
given ``--seed``. The output is canonicalised (labels XOR-ed so that point (0, 1) carries 0, which
does not change any Hamming distance) and printed as a Python literal plus the 6×6 picture.
"""

from __future__ import annotations

import argparse
import math

import numpy as np

N = 6
CORNERS = ((0, 0), (0, N - 1), (N - 1, 0), (N - 1, N - 1))
POINTS = [(a, b) for a in range(N) for b in range(N) if (a, b) not in CORNERS]
INDEX = {p: k for k, p in enumerate(POINTS)}
EDGES = [
    (INDEX[p], INDEX[q]) for p in POINTS for q in ((p[0] + 1, p[1]), (p[0], p[1] + 1)) if q in INDEX
]
NEIGHBOURS = [[v for u, v in EDGES if u == k] + [u for u, v in EDGES if v == k] for k in range(32)]
POPCOUNT = [bin(x).count("1") for x in range(32)]


def cost(labels: list[int]) -> float:
    """Mean Hamming distance over the adjacent-point edges."""
    return sum(POPCOUNT[labels[u] ^ labels[v]] for u, v in EDGES) / len(EDGES)


def _local(labels: list[int], k: int, skip: int) -> int:
    return sum(POPCOUNT[labels[k] ^ labels[j]] for j in NEIGHBOURS[k] if j != skip)


def anneal(rng: np.random.Generator, n_steps: int, t0: float, t1: float) -> list[int]:
    """One annealing run from a random labelling; returns the best labelling seen."""
    labels = [int(x) for x in rng.permutation(32)]
    total = sum(POPCOUNT[labels[u] ^ labels[v]] for u, v in EDGES)
    best, best_total = labels.copy(), total
    pairs = rng.integers(0, 32, size=(n_steps, 2))
    accept = rng.random(n_steps)
    for step in range(n_steps):
        i, j = int(pairs[step, 0]), int(pairs[step, 1])
        if i == j:
            continue
        before = _local(labels, i, j) + _local(labels, j, i)
        labels[i], labels[j] = labels[j], labels[i]
        delta = _local(labels, i, j) + _local(labels, j, i) - before
        temp = t0 * (t1 / t0) ** (step / n_steps)
        if delta <= 0 or accept[step] < math.exp(-delta / temp):
            total += delta
            if total < best_total:
                best, best_total = labels.copy(), total
        else:
            labels[i], labels[j] = labels[j], labels[i]
    return best


def design(seed: int, restarts: int, n_steps: int) -> list[int]:
    """Best labelling over ``restarts`` seeded annealing runs, canonicalised."""
    rng = np.random.default_rng(seed)
    runs = [anneal(rng, n_steps, 2.0, 0.05) for _ in range(restarts)]
    best = min(runs, key=cost)
    mask = best[INDEX[(0, 1)]]
    return [lab ^ mask for lab in best]


def picture(labels: list[int]) -> str:
    """6×6 picture: row = first symbol a, column = second symbol b, ``--`` = unused corner."""
    grid = {p: f"{labels[k]:2d}" for k, p in enumerate(POINTS)}
    head = "      b=" + " ".join(f"{b:2d}" for b in range(N))
    rows = [f"  a={a}   " + " ".join(grid.get((a, b), "--") for b in range(N)) for a in range(N)]
    return "\n".join([head, *rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--restarts", type=int, default=16)
    parser.add_argument("--steps", type=int, default=60_000)
    args = parser.parse_args()
    labels = design(args.seed, args.restarts, args.steps)
    naive = list(range(32))
    table = [None] * 32
    for k, p in enumerate(POINTS):
        table[labels[k]] = p
    print(f"edges: {len(EDGES)}")
    print(f"annealed cost: {cost(labels):.4f} ({round(cost(labels) * len(EDGES))}/{len(EDGES)})")
    print(
        f"naive row-major cost: {cost(naive):.4f} ({round(cost(naive) * len(EDGES))}/{len(EDGES)})"
    )
    print(picture(labels))
    print("PAM6_PAIRS = (  # label -> (a, b)")
    for lab in range(32):
        print(f"    {table[lab]},  # {lab:2d} = {lab:05b}")
    print(")")


if __name__ == "__main__":
    main()
