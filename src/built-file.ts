/**
 * Where a file the build writes into dist/ is, seen from a module two folders deep in src/ (src/<folder>/,
 * whose compiled copy is dist/src/<folder>/): the compiled module finds it at ../../<path>, and so does the
 * CLI's bundle, dist/src/cli/batch-grad.js, at the same depth. Run from its TypeScript source (under
 * vitest), the module still gets the built file in dist/: a thread cannot load .ts on Node 20, and the
 * tests must exercise what ships.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `moduleUrl` is the caller's import.meta.url; `what` names the file in the error if it is not built. */
export function builtFile(moduleUrl: string, pathInDist: string, what: string): string {
  const url = new URL(moduleUrl.endsWith('.ts') ? `../../dist/${pathInDist}` : `../../${pathInDist}`, moduleUrl);
  const path = fileURLToPath(url);
  if (!existsSync(path)) throw new Error(`${what} ${path} is not built; run npm run build`);
  return path;
}
