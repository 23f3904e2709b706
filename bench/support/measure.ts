/**
 * Runs a whole process and measures its wall time and peak resident memory. Peak memory is read from
 * /proc/<pid>/status (VmHWM, the kernel's own high-water mark) every 20 ms; batch-grad's workers are
 * threads of that one process, so this covers them all.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

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
