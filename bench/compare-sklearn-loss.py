#!/usr/bin/python3
"""The mean log-loss and its gradient: batch-grad against scikit-learn, on the same generated data.

Usage (after `npm run build`):  /usr/bin/python3 bench/compare-sklearn-loss.py [--rows 200000] [--features 16]
Needs Debian's python3-sklearn and python3-numpy for the system interpreter
(`apt-get install python3-sklearn`); the `python3` first on PATH may be another interpreter without them.

It writes a seeded dataset (features x1..xn, a 0/1 label y drawn from a logistic model) as CSV with every
number in shortest round-trip form, so both tools read the same doubles; evaluates at a random parameter
vector (w, b); runs `batch-grad --features ... --label y --loss bce --summary`, and scikit-learn's
LinearModelLoss(HalfBinomialLoss) on the same X, y and (w, b). A third answer, math.fsum over exact
per-row terms, is the referee. It prints the largest relative difference of the mean loss and of the
gradient's components between each pair.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn._loss.loss import HalfBinomialLoss
from sklearn.linear_model._linear_loss import LinearModelLoss

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, 'dist', 'src', 'cli', 'batch-grad.js')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--rows', type=int, default=200_000)
    parser.add_argument('--features', type=int, default=16)
    parser.add_argument('--seed', type=int, default=7)
    args = parser.parse_args()
    if not os.path.exists(CLI):
        sys.exit(f'{CLI} is not built; run npm run build')

    rng = np.random.default_rng(args.seed)
    n, d = args.rows, args.features
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 3, size=d)
    truth = rng.normal(size=d)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(X @ truth + 0.3)))).astype(np.float64)
    w = rng.normal(size=d) * 0.5
    b = float(rng.normal())
    names = [f'x{j + 1}' for j in range(d)]

    with tempfile.TemporaryDirectory() as folder:
        data = os.path.join(folder, 'data.csv')
        with open(data, 'w') as out:
            out.write(','.join(names + ['y']) + '\n')
            for i in range(n):
                out.write(','.join(repr(float(v)) for v in X[i]) + f',{int(y[i])}\n')
        params = [f'--param=w_{name}={repr(float(w[j]))}' for j, name in enumerate(names)] + [f'--param=b={repr(b)}']
        summary_path = os.path.join(folder, 'summary.json')
        started = time.perf_counter()
        subprocess.run(['node', CLI, data, '-o', os.devnull, '--features', ','.join(names), '--label', 'y', '--loss', 'bce',
                        '--summary', summary_path, *params], check=True, stderr=subprocess.DEVNULL)
        batch_grad_seconds = time.perf_counter() - started
        with open(summary_path) as f:
            columns = json.load(f)['columns']

    ours_loss = columns['loss']['mean']
    ours_grad = np.array([columns[f'dloss_dw_{name}']['mean'] for name in names] + [columns['dloss_db']['mean']])

    started = time.perf_counter()
    model = LinearModelLoss(base_loss=HalfBinomialLoss(), fit_intercept=True)
    total, gradient = model.loss_gradient(np.append(w, b), X, y, sample_weight=None, l2_reg_strength=0.0, n_threads=1)
    sklearn_seconds = time.perf_counter() - started
    theirs_loss, theirs_grad = total / n, gradient / n

    # The referee: each row's loss and gradient terms in float64 (the stable forms), summed exactly.
    z = X @ w + b
    row_loss = np.where(y == 1, np.logaddexp(0, -z), np.logaddexp(0, z))
    slope = np.where(y == 1, -1 / (1 + np.exp(z)), 1 / (1 + np.exp(-z)))
    exact_loss = math.fsum(row_loss) / n
    exact_grad = np.array([math.fsum(slope * X[:, j]) / n for j in range(d)] + [math.fsum(slope) / n])

    def largest(a_loss, a_grad, b_loss, b_grad):
        rel = [abs(a_loss - b_loss) / abs(b_loss)] + [abs(p - q) / max(abs(q), 1e-300) for p, q in zip(a_grad, b_grad)]
        return max(rel)

    print(f'{n:,} rows x {d} features; batch-grad {batch_grad_seconds:.2f} s (whole CLI run, CSV included), '
          f'scikit-learn {sklearn_seconds:.2f} s (loss_gradient on arrays in memory)')
    print(f'largest relative difference, batch-grad vs scikit-learn:  {largest(ours_loss, ours_grad, theirs_loss, theirs_grad):.3e}')
    print(f'largest relative difference, batch-grad vs exact fsum:    {largest(ours_loss, ours_grad, exact_loss, exact_grad):.3e}')
    print(f'largest relative difference, scikit-learn vs exact fsum:  {largest(theirs_loss, theirs_grad, exact_loss, exact_grad):.3e}')


if __name__ == '__main__':
    main()
