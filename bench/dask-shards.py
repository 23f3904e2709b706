#!/usr/bin/python3
"""Shards through Dask against a plain run, on this machine: 1, 2 and 4 shards of the bench's narrow file
(1,000,000 rows, n=2) on a LocalCluster of 2 worker processes, each shard's CLI with 1 thread, against one
plain CLI run with 2 threads. Median of 3, in turns. Prints the wall times, the overhead against the plain
run, and the per-shard costs measured inside the runner (cluster start, a shard's own time, the merge).

Usage (after `npm run build`): /usr/bin/python3 bench/dask-shards.py   (Debian's python3-distributed)
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, 'dist', 'src', 'cli', 'batch-grad.js')
RUNNER = os.path.join(ROOT, 'runners', 'dask_shards.py')


def results_folder():
    """$BENCH_RESULTS, or bench/results/tmp/ (ignored by git): a run never rewrites the recorded results."""
    folder = os.environ.get('BENCH_RESULTS') or os.path.join(ROOT, 'bench', 'results', 'tmp')
    os.makedirs(folder, exist_ok=True)
    return folder
RUNS = 3


def timed(command):
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f'{" ".join(command)} failed: {result.stderr}')
    return time.monotonic() - started, result.stderr


with tempfile.TemporaryDirectory() as folder:
    data = os.path.join(folder, 'narrow.csv')
    subprocess.run(['node', os.path.join(ROOT, 'dist', 'bench', 'generate-cli.js'), '--rows', '1000000', '--features', '2', '--out', data],
                   check=True, capture_output=True)
    commands = {'plain run, 2 threads': ['node', CLI, data, '-o', os.path.join(folder, 'plain.csv'), '--threads', '2']}
    for shards in (1, 2, 4):
        commands[f'Dask, {shards} shard{"s" if shards > 1 else ""}'] = [
            '/usr/bin/python3', RUNNER, data, '--shards', str(shards), '--workers', '2', '--out', os.path.join(folder, f'out{shards}'), '--overwrite', '--', '--threads', '1']
    seconds = {name: [] for name in commands}
    shard_seconds = {name: [] for name in commands}
    for _ in range(RUNS):
        for name, command in commands.items():
            wall, stderr = timed(command)
            seconds[name].append(wall)
            shard_seconds[name] += [float(line.split(' done in ')[1].split(' s')[0]) for line in stderr.splitlines() if ' done in ' in line]
    plain = statistics.median(seconds['plain run, 2 threads'])
    results = {}
    print('| job | seconds | against the plain run | median shard (CLI) seconds |\n|---|---|---|---|')
    for name in commands:
        wall = statistics.median(seconds[name])
        shard = statistics.median(shard_seconds[name]) if shard_seconds[name] else None
        results[name] = {'seconds': wall, 'ratio': wall / plain, 'shardSeconds': shard}
        print(f'| {name} | {wall:.2f} | {wall / plain:.2f}x | {"-" if shard is None else f"{shard:.2f}"} |')
    os.makedirs(os.path.join(ROOT, 'bench', 'results'), exist_ok=True)
    with open(os.path.join(results_folder(), 'dask-shards.json'), 'w') as out:
        json.dump({'date': time.strftime('%Y-%m-%dT%H:%M:%S'), 'runs': RUNS, 'results': results}, out, indent=2)
