#!/usr/bin/python3
"""Writes test/core/function-references.json: every formula function's value and derivatives at ordinary
points and near the edges of its domain, computed with mpmath at 60 significant digits and rounded once to
the nearest double. Derivatives are the textbook formulas evaluated at the same precision, "inf"/"-inf"
where the true derivative is infinite and null where it does not exist. Run: /usr/bin/python3 test/support/function-references.py
(Debian's python3-mpmath). The JSON is committed; the tests read it and do not need Python.
"""
import json
import os
from mpmath import mp, mpf

mp.dps = 60

def sigmoid(x): return 1 / (1 + mp.exp(-x))
def cbrt(x): return mp.sign(x) * mp.cbrt(abs(x))
def power(x, y): return mp.power(x, y) if x >= 0 else (-1) ** int(y) * mp.power(-x, y)
INF = mp.inf
# name: (f, f', points). Derivatives are the textbook ones, evaluated at 60 digits.
UNARY = {
    'exp': (mp.exp, mp.exp, [-745, -30, -1e-10, 0, 1, 30, 709]),
    'log': (mp.log, lambda x: 1 / x, [1e-300, 0.5, 1, 10, 1e300]),
    'sqrt': (mp.sqrt, lambda x: 1 / (2 * mp.sqrt(x)), [1e-300, 0.25, 2, 1e300]),
    'sin': (mp.sin, mp.cos, [-3, -1e-10, 0.5, 1, 3]),
    'cos': (mp.cos, lambda x: -mp.sin(x), [-3, 0, 0.5, 1.5, 3]),
    'tanh': (mp.tanh, lambda x: 1 / mp.cosh(x) ** 2, [-20, -1, 1e-10, 0.5, 20]),
    'sigmoid': (sigmoid, lambda x: sigmoid(x) * sigmoid(-x), [-800, -40, -1, 0, 3, 40]),
    'softplus': (lambda x: mp.log1p(mp.exp(x)), sigmoid, [-745, -700, -20, 0, 1, 30, 800]),
    'logsigmoid': (lambda x: -mp.log1p(mp.exp(-x)), lambda x: sigmoid(-x), [-800, -30, 0, 5, 40, 700]),
    'log1p': (mp.log1p, lambda x: 1 / (1 + x), [-0.999, -1e-10, 1e-20, 0.5, 1e10]),
    'expm1': (mp.expm1, mp.exp, [-50, -1e-10, 1e-20, 0.5, 700]),
    'log10': (mp.log10, lambda x: 1 / (x * mp.log(10)), [1e-300, 0.5, 1, 10, 1e300]),
    'log2': (lambda x: mp.log(x, 2), lambda x: 1 / (x * mp.log(2)), [1e-300, 0.5, 1, 10, 1e300]),
    'tan': (mp.tan, lambda x: 1 / mp.cos(x) ** 2, [-1.5, -0.3, 1e-10, 1, 1.57]),
    'atan': (mp.atan, lambda x: 1 / (1 + x * x), [-1e300, -2, 0, 1e-8, 3, 1e200]),
    'asin': (mp.asin, lambda x: INF if abs(x) == 1 else 1 / mp.sqrt(1 - x * x), [-1, -0.999999, -0.5, 0, 1e-9, 0.7, 1]),
    'acos': (mp.acos, lambda x: -INF if abs(x) == 1 else -1 / mp.sqrt(1 - x * x), [-1, -0.999999, -0.5, 0, 1e-9, 0.7, 1]),
    'sinh': (mp.sinh, mp.cosh, [-700, -1, 1e-10, 0.5, 20, 709]),
    'cosh': (mp.cosh, mp.sinh, [-700, -1, 0, 0.5, 20, 709]),
    'cbrt': (cbrt, lambda x: INF if x == 0 else 1 / (3 * cbrt(x) ** 2), [-27, -1e-300, 0, 2, 1e300]),
    'erf': (mp.erf, lambda x: 2 / mp.sqrt(mp.pi) * mp.exp(-x * x), [-6, -1, -1e-10, 0, 0.5, 1, 3, 6]),
    'erfc': (mp.erfc, lambda x: -2 / mp.sqrt(mp.pi) * mp.exp(-x * x), [-6, -1, 0, 0.5, 1, 3, 6, 10, 20, 26.5]),
}
# name: (f, df/dx, df/dy or None where it does not exist, points).
BINARY = {
    'hypot': (lambda x, y: mp.sqrt(x * x + y * y), lambda x, y: x / mp.sqrt(x * x + y * y), lambda x, y: y / mp.sqrt(x * x + y * y),
              [(3, 4), (1e300, 1e300), (1e-300, 1e-300), (0, -2), (-5, 12)]),
    'atan2': (mp.atan2, lambda y, x: x / (x * x + y * y), lambda y, x: -y / (x * x + y * y),
              [(1, 1), (0, 1), (1, 0), (0, -1), (-1e-300, -1), (1e300, 1e-300), (-2, -3)]),
    'power': (power, lambda x, y: y * power(x, y - 1), lambda x, y: None if x < 0 else mp.power(x, y) * mp.log(x),
              [(2, 0.5), (0.5, 3.3), (10, -2.5), (-2, 3), (1e-3, 1e-3), (7, 0)]),
}

def to_json(x):
    x = mpf(x)
    if mp.isinf(x):
        return 'inf' if x > 0 else '-inf'
    return float(x)

def row(value, **derivatives):
    return {'value': to_json(value), **{k: None if d is None else to_json(d) for k, d in derivatives.items()}}

out = {}
for name, (f, df, points) in UNARY.items():
    out[name] = [{'x': float(x), **row(f(mpf(float(x))), d=df(mpf(float(x))))} for x in points]
for name, (f, dfx, dfy, points) in BINARY.items():
    out[name] = [{'x': float(x), 'y': float(y), **row(f(mpf(float(x)), mpf(float(y))), dx=dfx(mpf(float(x)), mpf(float(y))), dy=dfy(mpf(float(x)), mpf(float(y))))}
                 for (x, y) in points]

path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'core', 'function-references.json')
with open(path, 'w') as file:
    json.dump(out, file, indent=1)
    file.write('\n')
print(f'wrote {path}')
