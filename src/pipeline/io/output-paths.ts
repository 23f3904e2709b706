/**
 * The paths a run writes, checked against each other and against its inputs before anything is opened:
 * writing over an input while reading it destroys it, and two outputs on one path would destroy each other
 * (and any file that was there). `-` is stdout: two outputs there would interleave.
 */
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BatchGradError } from '../../errors.js';

/** An output by the option that names it (`out`, `rejects`, `summary`), or undefined where not asked for. */
export type NamedOutput = readonly [option: string, path: string | undefined];

/** The path as the file system sees it, through links; a file not there yet by its absolute path. */
const canonical = async (path: string): Promise<string> =>
  path === '-' ? '-' : realpath(path).catch(() => resolve(path));

export async function refuseClashingPaths(inputs: readonly string[], outputs: readonly NamedOutput[]): Promise<void> {
  const inputPaths = new Set(await Promise.all(inputs.filter((path) => path !== '-').map(canonical)));
  const seen = new Map<string, string>();
  for (const [option, path] of outputs) {
    if (path === undefined) continue;
    const real = await canonical(path);
    if (inputPaths.has(real)) {
      throw new BatchGradError('SAME_INPUT_OUTPUT', `--${option} ${path} is the input file; choose another path`, {
        option,
        file: path,
      });
    }
    const other = seen.get(real);
    if (other !== undefined) {
      const where = path === '-' ? 'stdout (-)' : path;
      throw new BatchGradError(
        'SAME_OUTPUT',
        `--${option} and --${other} both write to ${where}; give each output its own path`,
        { option, file: path },
      );
    }
    seen.set(real, option);
  }
}
