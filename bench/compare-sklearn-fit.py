#!/usr/bin/python3
"""batch-grad fit against scikit-learn and scipy, each against the exact optimum.

Usage (after `npm run build`):  /usr/bin/python3 bench/compare-sklearn-fit.py [--rows 1000000] [--features 16]
Needs Debian's python3-sklearn, python3-scipy, python3-numpy and python3-pandas for the system interpreter.

1. Logistic regression on a generated rows x features CSV with labels, l2 = 1e-4 on the weights (the bias
   unpenalised): scikit-learn's LogisticRegression(C = 1/(l2 n), tol 1e-12) with solver lbfgs and with
   newton-cholesky, each after pandas.read_csv, and `batch-grad fit --l2 1e-4 --cache` with its default
   method (Newton's) and with --method lbfgs, each timed end to end (reading the CSV included), in turns,
   the median of --repeat runs, each compared with the exact optimum, found here by Newton's method with
   the exact Hessian in numpy.
2. Nonlinear least squares on a generated exponential decay: scipy.optimize.curve_fit against
   `batch-grad fit --expr "a*exp(-k*t) + c" --loss squared` (Levenberg–Marquardt), with curve_fit's
   function evaluations against batch-grad's passes.
3. Peak memory of a streamed fit (no cache, 3 iterations) on a narrow file and on one 10 times larger.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
from scipy.optimize import curve_fit
from sklearn.linear_model import LogisticRegression

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, 'dist', 'src', 'cli', 'batch-grad.js')


def write_csv(path, columns, names):
    frame = pd.DataFrame(dict(zip(names, columns)))
    frame.to_csv(path, index=False, float_format='%.17g')


def newton(X, y, l2):
    """The exact minimiser of mean log-loss + l2/2 |w|^2 (intercept unpenalised), to float64's limit."""
    n, d = X.shape
    A = np.hstack([X, np.ones((n, 1))])
    theta = np.zeros(d + 1)
    penalty = np.full(d + 1, l2)
    penalty[-1] = 0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(A @ theta)))
        gradient = A.T @ (p - y) / n + penalty * theta
        hessian = (A.T * (p * (1 - p))) @ A / n + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.max(np.abs(step)) <= 1e-16 * max(1, np.max(np.abs(theta))):
            break
    return theta


def peak_rss_run(command):
    """Wall time and peak RSS (MiB) of a command, read from /proc while it runs."""
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    while child.poll() is None:
        try:
            with open(f'/proc/{child.pid}/status') as status:
                for line in status:
                    if line.startswith('VmHWM:'):
                        peak = max(peak, int(line.split()[1]))
        except FileNotFoundError:
            pass
        time.sleep(0.02)
    stderr = child.stderr.read()
    if child.returncode not in (0, 3):  # 3: a fit stopped by --max-iter, as the memory run asks
        sys.exit(f'{" ".join(command)}: {stderr}')
    return time.monotonic() - started, peak / 1024


def results_folder():
    """$BENCH_RESULTS, or bench/results/tmp/ (ignored by git): a run never rewrites the recorded results."""
    folder = os.environ.get('BENCH_RESULTS') or os.path.join(ROOT, 'bench', 'results', 'tmp')
    os.makedirs(folder, exist_ok=True)
    return folder


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--rows', type=int, default=1_000_000)
    parser.add_argument('--features', type=int, default=16)
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(11)
    n, d, l2 = args.rows, args.features, 1e-4
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        X = rng.normal(size=(n, d)) * rng.uniform(0.5, 2, size=d)
        w = rng.normal(size=d)
        y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(X @ w + 0.3)))).astype(np.int64)
        names = [f'x{j + 1}' for j in range(d)]
        data = os.path.join(folder, 'logistic.csv')
        write_csv(data, [X[:, j] for j in range(d)] + [y], names + ['y'])
        X = pd.read_csv(data)[names].to_numpy()   # the doubles both tools read
        exact = newton(X, y, l2)

        def sklearn(solver):
            started = time.monotonic()
            frame = pd.read_csv(data)
            model = LogisticRegression(C=1 / (l2 * n), tol=1e-12, max_iter=10_000, solver=solver)
            model.fit(frame[names].to_numpy(), frame['y'].to_numpy())
            seconds = time.monotonic() - started
            theta = np.append(model.coef_[0], model.intercept_[0])
            return seconds, {'relativeDistance': distance(theta), 'iterations': int(model.n_iter_[0])}

        out = os.path.join(folder, 'model.json')

        def ours(method):
            started = time.monotonic()
            done = subprocess.run(['node', CLI, 'fit', data, '--features', ','.join(names), '--label', 'y', '--loss', 'bce', '--l2', str(l2),
                            '--tol', '1e-10', '--max-iter', '1000', '--cache', '--method', method, '--out', out], capture_output=True)
            seconds = time.monotonic() - started
            if done.returncode not in (0, 3):  # 3: stopped without converging; the model says why
                sys.exit(done.stderr.decode())
            with open(out) as f:
                fitted = json.load(f)
            theta = np.array([fitted['params'][f'w_{name}'] for name in names] + [fitted['params']['b']])
            return seconds, {'relativeDistance': distance(theta), 'iterations': fitted['iterations'], 'passes': fitted['evaluations'], 'method': fitted['method'], 'status': fitted['status']}

        distance = lambda theta: float(np.max(np.abs(theta - exact) / np.abs(exact)))
        contenders = {
            'sklearnLbfgs': lambda: sklearn('lbfgs'),
            'sklearnNewtonCholesky': lambda: sklearn('newton-cholesky'),
            'batchGradNewton': lambda: ours('auto'),
            'batchGradLbfgs': lambda: ours('lbfgs'),
        }
        times = {name: [] for name in contenders}
        facts = {}
        for _ in range(args.repeat):
            for name, run in contenders.items():
                seconds, facts[name] = run()
                times[name].append(seconds)
        results['logistic'] = {'rows': n, 'features': d, 'l2': l2, 'repeat': args.repeat}
        for name in contenders:
            results['logistic'][name] = {'seconds': float(np.median(times[name])), 'runs': times[name], **facts[name]}

        t = rng.uniform(0, 10, 100_000)
        ydecay = 2.0 * np.exp(-0.35 * t) + 0.5 + rng.normal(0, 0.02, t.size)
        decay = os.path.join(folder, 'decay.csv')
        write_csv(decay, [t, ydecay], ['t', 'y'])
        frame = pd.read_csv(decay)
        popt, _, info, _, _ = curve_fit(lambda t, a, k, c: a * np.exp(-k * t) + c, frame['t'].to_numpy(), frame['y'].to_numpy(), p0=[1, 0.1, 0], xtol=1e-15, ftol=1e-15, gtol=1e-15, maxfev=100_000, full_output=True)
        subprocess.run(['node', CLI, 'fit', decay, '-e', 'a*exp(-k*t) + c', '--param', 'a=1', '--param', 'k=0.1', '--param', 'c=0',
                        '--label', 'y', '--loss', 'squared', '--tol', '1e-13', '--max-iter', '1000', '--out', out], check=True, capture_output=True)
        with open(out) as f:
            fitted = json.load(f)
        decay_theta = np.array([fitted['params'][name] for name in ('a', 'k', 'c')])
        results['curveFit'] = {'scipy': popt.tolist(), 'scipyEvaluations': int(info['nfev']), 'batchGrad': decay_theta.tolist(),
                               'batchGradPasses': fitted['evaluations'], 'batchGradMethod': fitted['method'],
                               'largestRelativeDifference': float(np.max(np.abs(decay_theta - popt) / np.abs(popt)))}

        narrow = os.path.join(folder, 'narrow.csv')
        rows = 1_000_000
        Xn = rng.normal(size=(rows, 2))
        yn = (rng.uniform(size=rows) < 1 / (1 + np.exp(-(Xn @ np.array([1.0, -1.0]))))).astype(np.int64)
        write_csv(narrow, [Xn[:, 0], Xn[:, 1], yn], ['a', 'c', 'y'])
        narrow10 = os.path.join(folder, 'narrow10.csv')
        with open(narrow) as source, open(narrow10, 'w') as target:
            header, body = source.readline(), source.read()
            target.write(header + body * 10)
        stream = lambda path: ['node', CLI, 'fit', path, '--features', 'a,c', '--label', 'y', '--loss', 'bce', '--max-iter', '3']
        one = peak_rss_run(stream(narrow))
        ten = peak_rss_run(stream(narrow10))
        results['memory'] = {'oneX': {'seconds': one[0], 'peakMiB': one[1]}, 'tenX': {'seconds': ten[0], 'peakMiB': ten[1]}, 'ratio': ten[1] / one[1]}

    lr = results['logistic']
    print(f"logistic regression, {n:,} x {d}, l2 {l2}: largest relative distance of the coefficients from the exact optimum:")
    labels = {'sklearnLbfgs': 'scikit-learn lbfgs', 'sklearnNewtonCholesky': 'scikit-learn newton-cholesky',
              'batchGradNewton': 'batch-grad fit --cache (newton)', 'batchGradLbfgs': 'batch-grad fit --cache --method lbfgs'}
    fastest_sklearn = min(lr['sklearnLbfgs']['seconds'], lr['sklearnNewtonCholesky']['seconds'])
    for name, label in labels.items():
        r = lr[name]
        passes = f", {r['passes']} passes" if 'passes' in r else ''
        print(f"  {label:38s} {r['seconds']:6.2f} s (median of {args.repeat}, CSV read included), {r['relativeDistance']:.3e} from the optimum, {r['iterations']} iterations{passes}; {fastest_sklearn / r['seconds']:.2f}x the fastest scikit-learn")
    cf = results['curveFit']
    print(f"exponential decay, 100,000 rows: largest relative difference from scipy's curve_fit {cf['largestRelativeDifference']:.3e}; batch-grad ({cf['batchGradMethod']}) {cf['batchGradPasses']} passes, curve_fit {cf['scipyEvaluations']} function evaluations")
    m = results['memory']
    print(f"streamed fit, 3 iterations: peak RSS {m['oneX']['peakMiB']:.0f} MiB (1M rows), {m['tenX']['peakMiB']:.0f} MiB (10M rows): {m['ratio']:.2f}x")
    with open(os.path.join(results_folder(), 'sklearn-fit.json'), 'w') as f:
        json.dump(results, f, indent=2)


if __name__ == '__main__':
    main()
