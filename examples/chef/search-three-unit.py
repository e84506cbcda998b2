"""Exhaustive search behind chef example 3 with three hidden units (docs/chef-examples.md).

Run by hand (numpy only; the tests never need Python):

    python3 examples/chef/search-three-unit.py                  # tanh, weights in -3..3 (~40 s)
    python3 examples/chef/search-three-unit.py --cell relu      # exact relu with 0/1 codes
    python3 examples/chef/search-three-unit.py --max-weight 4   # wider weight range (slower)

The state after a day is a 3-bit code of (today's food, today's weather): 8^6 assignments for the
six pairs, in the order (pizza,sunny) (pizza,rainy) (chicken,sunny) (chicken,rainy)
(sandwich,sunny) (sandwich,rainy). Two pairs may share a code only if they share the food. For
each unit j, the 12 cases (yesterday's pair, today's weather) give the bit j of today's code;
the unit must compute it from yesterday's code h and today's weather w as

    tanh: sign(a . h + theta_w) with h in {-1,+1}^3, |a . h + theta_w| >= 1 (x20 in the example)
    relu: relu(a . h + theta_w) with h in {0,1}^3, exactly 1 when on and <= 0 when off

with integer a in [-K, K]^3 and integer theta_w (theta_w = W_xh[j, w] + b_j: one-hot weather
makes the bias redundant), and an affine head must pick the food from the code. Solutions equal
up to renaming or negating units count once. Codes are printed unit 0 first (100 = unit 0 on).
Last, the example's own matrices are checked on all 12 cases.
"""
import argparse
import itertools

import numpy as np

FOODS = ['pizza', 'chicken', 'sandwich']
WEATHERS = ['sunny', 'rainy']
PAIRS = [(f, w) for f in range(3) for w in range(2)]


def today(food, weather):
    """The chef's rule: the same food if sunny, the next one in the cycle if rainy."""
    return food if weather == 0 else (food + 1) % 3


def bit(code, j):
    return (code >> j) & 1


def canonical(codes, allow_flips):
    """The smallest code tuple over renamed (and, for tanh, negated) units."""
    best = None
    for perm in itertools.permutations(range(3)):
        for flip in range(8 if allow_flips else 1):
            t = tuple(sum((bit(c, perm[k]) ^ bit(flip, k)) << k for k in range(3)) for c in codes)
            best = t if best is None or t < best else best
    return best


def unit_cost(codes, j, values, weights, relu):
    """Smallest sum |a| of a weight row that computes unit j from the memory, or None."""
    feasible = np.ones(len(weights), bool)
    for w in range(2):
        on = np.zeros(8, bool)
        off = np.zeros(8, bool)
        for (f, _), c in zip(PAIRS, codes):
            target = bit(codes[2 * today(f, w) + w], j)
            (on if target else off)[c] = True
        if relu:
            if on.any():
                v = values[:, on]
                same = (v == v[:, :1]).all(axis=1)
                # theta_w = 1 - v_on; off cases need v_off + theta_w <= 0
                low = v[:, 0] - 1
                feasible &= same & (~off.any() | (values[:, off].max(axis=1, initial=-99) <= low))
        elif on.any() and off.any():
            feasible &= values[:, on].min(axis=1) - values[:, off].max(axis=1) >= 2
    if not feasible.any():
        return None
    return int(np.abs(weights[feasible]).sum(axis=1).min())


def head_exists(codes, relu):
    """Whether an affine head (3x3 plus bias) has the food as its strict argmax on every code.

    Multiclass perceptron: it converges when such a head exists (1000 epochs is ample for at most
    six codes) and never when none does."""
    pairs = sorted({(c, f) for (f, _), c in zip(PAIRS, codes)})
    xs = [np.append([bit(c, j) if relu else 2 * bit(c, j) - 1 for j in range(3)], 1) for c, _ in pairs]
    head = np.zeros((3, 4))
    for _ in range(1000):
        clean = True
        for x, (_, f) in zip(xs, pairs):
            scores = head @ x
            rival = max((g for g in range(3) if g != f), key=lambda g: scores[g])
            if scores[f] <= scores[rival]:
                head[f] += x
                head[rival] -= x
                clean = False
        if clean:
            return True
    return False


def search(cell, k):
    relu = cell == 'relu'
    weights = np.array(list(itertools.product(range(-k, k + 1), repeat=3)))
    bits = np.array([[bit(c, j) for j in range(3)] for c in range(8)])
    values = weights @ (bits if relu else 2 * bits - 1).T
    seen, found = set(), []
    for codes in itertools.product(range(8), repeat=6):
        food_of = {}
        if any(food_of.setdefault(c, f) != f for (f, _), c in zip(PAIRS, codes)):
            continue
        codes = canonical(codes, allow_flips=not relu)
        if codes in seen:
            continue
        seen.add(codes)
        costs = [unit_cost(codes, j, values, weights, relu) for j in range(3)]
        if None not in costs and head_exists(codes, relu):
            found.append((len(set(codes)), sum(costs), codes))
    return sorted(found)


# The example's matrices before the x20 scale (examples/chef/chef-rnn.ts). Units: 0 = chicken
# today or yesterday, 1 = chicken yesterday and rain today, 2 = sandwich yesterday and today.
W_HH = np.array([[1, -2, -1], [1, -1, 0], [0, 1, 1]])
W_XH = np.array([[-1, 1], [-1, 1], [1, -1]])
BIAS = np.array([-2, -2, 0])
HEAD = np.array([[-0.5, 0, -0.5], [0.5, -0.5, 0], [0, 0.5, 0.5]])
HEAD_BIAS = np.array([0, 0, 1])
CODE = {(0, 0): (-1, -1, -1), (0, 1): (-1, -1, -1), (1, 0): (1, -1, -1), (1, 1): (1, -1, -1),
        (2, 0): (-1, -1, 1), (2, 1): (1, 1, -1)}


def check_example():
    for (f, w0), h in CODE.items():
        for w in range(2):
            a = 20 * (W_HH @ np.array(h) + W_XH[:, w] + BIAS)
            nxt = CODE[(today(f, w), w)]
            assert (np.abs(a) >= 20).all() and tuple(np.sign(a)) == nxt, (f, w0, w, a)
            out = HEAD @ np.array(nxt) + HEAD_BIAS
            assert (out == np.eye(3)[today(f, w)]).all(), out
            print(f'  {FOODS[f]:8} {WEATHERS[w0]:5} then {WEATHERS[w]:5}: a = {a!s:15} -> '
                  f'{FOODS[today(f, w)]}, output {out}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--cell', choices=['tanh', 'relu'], default='tanh')
    parser.add_argument('--max-weight', type=int, default=3)
    args = parser.parse_args()
    found = search(args.cell, args.max_weight)
    symmetry = 'renaming/negating' if args.cell == 'tanh' else 'renaming'
    print(f'{args.cell}, weights in -{args.max_weight}..{args.max_weight}: {len(found)} solutions '
          f'up to {symmetry} units (distinct codes, sum |W_hh|, codes per pair; * = the example):')
    example = canonical([int(sum((v > 0) << j for j, v in enumerate(CODE[p]))) for p in PAIRS], True)
    for n, cost, codes in found:
        mark = '*' if codes == example else ' '
        print(f' {mark}{n} {cost:2}  ' + ' '.join(format(c, '03b')[::-1] for c in codes))
    if args.cell == 'tanh':
        print('The example (x20), every (yesterday, today\'s weather) case:')
        check_example()


if __name__ == '__main__':
    main()
