/**
 * Runs a whole process and measures its wall time and peak resident memory. Peak memory is read from
 * /proc/<pid>/status (VmHWM, the kernel's own high-water mark) every 20 ms; batch-grad's workers are
 * threads of that one process, so this covers them all.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ProcessMeasurement {
  readonly seconds: number;
  readonly peakRssBytes: number;
  readonly code: number | null;
  readonly stderr: string;
}

/** The kernel's peak-RSS mark for a live process, in bytes (undefined once it has exited). */
export function highWaterMark(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export function measureProcess(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProcessMeasurement> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let peak = 0;
    const stderr: Buffer[] = [];
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    const poll = setInterval(() => {
      peak = Math.max(peak, highWaterMark(child.pid!) ?? 0);
    }, 20);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({ seconds, peakRssBytes: peak, code, stderr: Buffer.concat(stderr).toString() });
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The built CLI (this module runs from dist/bench/support/). */
const CLI = fileURLToPath(new URL('../../src/cli/batch-grad.js', import.meta.url));

/** The built CLI on `input` to `output` with 2 threads and any further options, measured. */
export function measureCli(input: string, output: string, ...options: string[]): Promise<ProcessMeasurement> {
  return measureProcess(process.execPath, [CLI, input, '--out', output, '--threads', '2', ...options]);
}
