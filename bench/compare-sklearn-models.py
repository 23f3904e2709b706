#!/usr/bin/python3
"""batch-grad fit's softmax and Poisson models against scikit-learn's, on the objective each reaches.

Usage (after `npm run build`):  /usr/bin/python3 bench/compare-sklearn-models.py [--repeat 3]
Needs Debian's python3-sklearn, python3-scipy and python3-numpy for the system interpreter.

1. iris (150 x 4, 3 classes, standardised) and digits (1,797 x 64, 10 classes, pixels / 16), the files
   scikit-learn ships: LogisticRegression(multi_class="multinomial", C = 1/(l2 n), tol 1e-12) against
   `batch-grad fit --loss softmax --l2 <l2> --cache` (l2 = 1/n, scikit-learn's default C = 1).
2. Counts: 100,000 generated rows x 8 features with Poisson labels: PoissonRegressor(alpha = l2, tol 1e-12)
   against `batch-grad fit --loss poisson --l2 <l2> --cache`.
Each objective (mean loss + (l2/2)||weights||^2, biases unpenalised) is evaluated here, in numpy, at both
tools' parameters; wall times are whole processes (reading the CSV included), in turns, median of --repeat.
"""
import argparse
import json
import os
import subprocess
import tempfile
import time

import numpy as np
from scipy.special import logsumexp
from sklearn.datasets import load_digits, load_iris
from sklearn.linear_model import LogisticRegression, PoissonRegressor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, 'dist', 'src', 'cli', 'batch-grad.js')


def write_csv(path, X, y, names, label):
    with open(path, 'w') as f:
        f.write(','.join(names + [label]) + '\n')
        for row, target in zip(X, y):
            f.write(','.join(repr(float(v)) for v in row) + f',{target}\n')


def softmax_objective(X, y, W, b, l2):
    Z = X @ W.T + b
    return float(np.mean(logsumexp(Z, axis=1) - Z[np.arange(len(y)), y]) + 0.5 * l2 * np.sum(W * W))


def poisson_objective(X, y, w, b, l2):
    z = X @ w + b
    return float(np.mean(np.exp(z) - y * z) + 0.5 * l2 * np.sum(w * w))


def timed(run, repeat):
    times, result = [], None
    for _ in range(repeat):
        started = time.monotonic()
        result = run()
        times.append(time.monotonic() - started)
    return float(np.median(times)), result


def ours(path, names, label, loss, l2):
    out = path + '.model.json'
    done = subprocess.run(['node', CLI, 'fit', path, '--features', ','.join(names), '--label', label, '--loss', loss, '--l2', repr(l2),
                           '--tol', '1e-10', '--max-iter', '10000', '--cache', '--quiet', '--out', out])
    if done.returncode not in (0, 3):  # 3: stopped short of --tol (the model says why); its objective is still compared
        raise SystemExit(f'batch-grad fit failed on {path}')
    with open(out) as f:
        return json.load(f)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, (X, y) in {'iris': load_iris(return_X_y=True), 'digits': load_digits(return_X_y=True)}.items():
            X = (X - X.mean(0)) / X.std(0) if name == 'iris' else X / 16
            n, d = X.shape
            names = [f'x{j + 1}' for j in range(d)]
            path = os.path.join(folder, f'{name}.csv')
            write_csv(path, X, y, names, 'y')
            l2 = 1 / n

            def sklearn():
                import pandas as pd  # reading the same CSV, as a user would
                frame = pd.read_csv(path)
                return LogisticRegression(multi_class='multinomial', C=1 / (l2 * n), tol=1e-12, max_iter=100_000).fit(
                    frame[names].to_numpy(), frame['y'].to_numpy())

            theirs_seconds, model = timed(sklearn, args.repeat)
            ours_seconds, fitted = timed(lambda: ours(path, names, 'y', 'softmax', l2), args.repeat)
            classes = [int(c) for c in fitted['classes']]
            W = np.array([[fitted['params'][f'w_{c}_{f}'] for f in names] for c in classes])
            b = np.array([fitted['params'][f'b_{c}'] for c in classes])
            theirs = softmax_objective(X, y, model.coef_, model.intercept_, l2)
            mine = softmax_objective(X, y, W, b, l2)
            results[name] = {'rows': n, 'features': d, 'classes': len(classes), 'l2': l2,
                             'sklearn': {'seconds': theirs_seconds, 'objective': theirs, 'iterations': int(np.max(model.n_iter_))},
                             'batchGrad': {'seconds': ours_seconds, 'objective': mine, 'method': fitted['method'],
                                           'iterations': fitted['iterations'], 'passes': fitted['evaluations'], 'status': fitted['status']},
                             'relativeDifference': (mine - theirs) / theirs}

        rng = np.random.default_rng(5)
        n, d = 100_000, 8
        X = rng.normal(size=(n, d)) * 0.5
        w = rng.normal(size=d) * 0.3
        y = rng.poisson(np.exp(X @ w + 0.5))
        names = [f'x{j + 1}' for j in range(d)]
        path = os.path.join(folder, 'counts.csv')
        write_csv(path, X, y, names, 'y')
        l2 = 1e-4

        def sklearn_poisson():
            import pandas as pd
            frame = pd.read_csv(path)
            return PoissonRegressor(alpha=l2, tol=1e-12, max_iter=100_000).fit(frame[names].to_numpy(), frame['y'].to_numpy())

        theirs_seconds, model = timed(sklearn_poisson, args.repeat)
        ours_seconds, fitted = timed(lambda: ours(path, names, 'y', 'poisson', l2), args.repeat)
        mine = poisson_objective(X, y, np.array([fitted['params'][f'w_{f}'] for f in names]), fitted['params']['b'], l2)
        theirs = poisson_objective(X, y, model.coef_, model.intercept_, l2)
        results['poisson'] = {'rows': n, 'features': d, 'l2': l2,
                              'sklearn': {'seconds': theirs_seconds, 'objective': theirs, 'iterations': int(model.n_iter_)},
                              'batchGrad': {'seconds': ours_seconds, 'objective': mine, 'method': fitted['method'],
                                            'iterations': fitted['iterations'], 'passes': fitted['evaluations'], 'status': fitted['status']},
                              'relativeDifference': (mine - theirs) / theirs}

    for name, r in results.items():
        s, o = r['sklearn'], r['batchGrad']
        print(f"{name} ({r['rows']:,} x {r['features']}{', ' + str(r['classes']) + ' classes' if 'classes' in r else ''}, l2 {r['l2']:.3g}):")
        print(f"  scikit-learn  objective {s['objective']:.17g}  {s['seconds']:.3f} s, {s['iterations']} iterations")
        print(f"  batch-grad    objective {o['objective']:.17g}  {o['seconds']:.3f} s, {o['method']}, {o['iterations']} iterations, {o['passes']} passes, {o['status']}")
        print(f"  (batch-grad - scikit-learn) / scikit-learn = {r['relativeDifference']:.3e}")
    folder = os.environ.get('BENCH_RESULTS') or os.path.join(ROOT, 'bench', 'results', 'tmp')
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'sklearn-models.json'), 'w') as f:
        json.dump(results, f, indent=2)


if __name__ == '__main__':
    main()
