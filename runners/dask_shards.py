#!/usr/bin/python3
"""Run batch-grad over a file in shards on a Dask cluster, then merge the shards' summaries exactly.

    /usr/bin/python3 runners/dask_shards.py big.csv --shards 16 --out out/ [--scheduler tcp://host:8786]
        [--workers 3] [-- <batch-grad options, e.g. --keep id --expr "w*x">]

Writes out/part-00001.csv ... out/part-000NN.csv (shard 1 with the header: `cat out/part-*.csv` is the
single run's output, byte for byte) with each shard's summary beside it, and out/summary.json, the merged
summary: the same counts and sums, to the bit, as one run. One Dask task per shard runs the batch-grad CLI
where the task runs (`--shard k/N`), so every worker machine needs batch-grad installed at the same path
(or give --cli) and the input at the same path. Without --scheduler, a LocalCluster of worker processes on
127.0.0.1 is started (and stopped). A shard whose process dies is retried by Dask; a shard that fails
because of its input (batch-grad's exit code 1 or 2) fails the whole job with batch-grad's message.

The --out folder must hold no parts of an earlier job (their names would mix with this job's, and `cat`
would give wrong output): such a folder is refused, or with --overwrite its parts and summary are removed
first. The shards write into a hidden folder inside it, whose files move into place only when every shard
and the merge are done: a job that fails (or a shard that finishes after the job failed) leaves no parts.

Needs Dask's distributed for the system interpreter: `apt-get install python3-distributed` on Debian.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import time

from distributed import Client, LocalCluster, as_completed

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CLI = os.path.join(os.path.dirname(HERE), 'dist', 'src', 'cli', 'batch-grad.js')


class ShardCrashed(RuntimeError):
    """The shard's process ended without an answer of batch-grad's (killed, out of memory): retried."""


def run_shard(node, cli, source, index, count, out_dir, options):
    """One shard, on whichever worker Dask chose: the batch-grad CLI with --shard index/count."""
    name = f'part-{index:05d}'
    output = os.path.join(out_dir, f'{name}.csv')
    summary = os.path.join(out_dir, f'{name}.json')
    started = time.monotonic()
    result = subprocess.run(
        [node, cli, source, '--shard', f'{index}/{count}', '-o', output, '--summary', summary, *options],
        capture_output=True, text=True)
    if result.returncode in (1, 2):
        # batch-grad's own refusal (bad input, bad usage): retrying would give the same answer.
        return {'index': index, 'ok': False, 'message': result.stderr.strip()}
    if result.returncode != 0:
        raise ShardCrashed(f'shard {index}/{count} ended with status {result.returncode}: {result.stderr.strip()}')
    return {'index': index, 'ok': True, 'summary': summary, 'seconds': time.monotonic() - started}


def job_files(out_dir):
    """The files a job writes in its folder: the parts, their summaries, and the merged summary."""
    found = glob.glob(os.path.join(out_dir, 'part-*.csv')) + glob.glob(os.path.join(out_dir, 'part-*.json'))
    merged = os.path.join(out_dir, 'summary.json')
    return sorted(found + ([merged] if os.path.exists(merged) else []))


def remove(paths):
    for path in paths:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], epilog='batch-grad options go after --')
    parser.add_argument('input', help='the input file (at the same path on every worker)')
    parser.add_argument('--shards', type=int, required=True, help='how many shards (tasks)')
    parser.add_argument('--out', required=True, help='the folder for the parts and summary.json')
    parser.add_argument('--scheduler', help='a Dask scheduler address, e.g. tcp://host:8786 (default: a LocalCluster)')
    parser.add_argument('--workers', type=int, default=os.cpu_count(), help='LocalCluster worker processes (default: cores)')
    parser.add_argument('--cli', default=DEFAULT_CLI, help='the batch-grad CLI file on the workers')
    parser.add_argument('--node', default=shutil.which('node') or 'node', help='node on the workers')
    parser.add_argument('--retries', type=int, default=2, help='how often Dask retries a shard whose process died')
    parser.add_argument('--overwrite', action='store_true',
                        help='remove the parts and summary of an earlier job from the --out folder first')
    argv = sys.argv[1:]
    cut = argv.index('--') if '--' in argv else len(argv)
    args = parser.parse_args(argv[:cut])
    args.options = argv[cut + 1:]
    if args.shards < 1:
        parser.error('--shards needs a whole number from 1')
    source = os.path.abspath(args.input)
    out_dir = os.path.abspath(args.out)
    os.makedirs(out_dir, exist_ok=True)
    earlier = job_files(out_dir)
    if earlier and not args.overwrite:
        print(f'batch-grad-dask: {args.out} holds {len(earlier)} files of an earlier job ({os.path.basename(earlier[0])}, ...); '
              'choose an empty folder, or give --overwrite to remove them first', file=sys.stderr)
        sys.exit(2)
    work_dir = os.path.join(out_dir, f'.batch-grad-dask-{os.getpid()}')
    os.makedirs(work_dir)

    cluster = None
    if args.scheduler is None:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               host='127.0.0.1', dashboard_address=None)
    client = Client(args.scheduler or cluster)
    failed = None
    summaries = []
    started = time.monotonic()
    try:
        futures = [client.submit(run_shard, args.node, args.cli, source, k, args.shards, work_dir, args.options,
                                 key=f'batch-grad-shard-{k}-of-{args.shards}-{time.time_ns()}', retries=args.retries, pure=False)
                   for k in range(1, args.shards + 1)]
        for done, future in enumerate(as_completed(futures), 1):
            result = future.result()
            if not result['ok']:
                failed = result
                break
            summaries.append(result['summary'])
            print(f'shard {result["index"]}/{args.shards} done in {result["seconds"]:.2f} s ({done} of {args.shards})',
                  file=sys.stderr, flush=True)
        if failed is not None:
            for future in futures:
                future.cancel()
    except BaseException:
        shutil.rmtree(work_dir, ignore_errors=True)
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    if failed is not None:
        shutil.rmtree(work_dir, ignore_errors=True)
        print(f'batch-grad-dask: shard {failed["index"]}/{args.shards} failed: {failed["message"]}; no parts were left',
              file=sys.stderr)
        sys.exit(1)
    merged = subprocess.run([args.node, args.cli, 'merge', '--quiet', *sorted(summaries), '--summary', os.path.join(work_dir, 'summary.json')])
    if merged.returncode != 0:
        shutil.rmtree(work_dir, ignore_errors=True)
        sys.exit(merged.returncode)
    publish(work_dir, out_dir, args.overwrite)
    print(f'batch-grad-dask: {args.shards} shards in {time.monotonic() - started:.2f} s', file=sys.stderr)


def publish(work_dir, out_dir, overwrite):
    """The finished job's files moved from the work folder into place; the summaries name them there."""
    if overwrite:
        remove(job_files(out_dir))
    for name in sorted(os.listdir(work_dir)):
        path = os.path.join(work_dir, name)
        if name.endswith('.json'):
            # A textual edit, so that every other byte stays batch-grad's own.
            with open(path) as f:
                text = f.read()
            with open(path, 'w') as f:
                f.write(text.replace(json.dumps(work_dir)[1:-1], json.dumps(out_dir)[1:-1]))
        os.rename(path, os.path.join(out_dir, name))
    os.rmdir(work_dir)


if __name__ == '__main__':
    main()
