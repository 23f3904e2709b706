/**
 * Where a file the build writes into dist/ is: `<package root>/dist/<path>`, the package root being the
 * nearest folder above the calling module that holds a package.json. That holds for the compiled modules
 * (dist/src/...), the CLI's bundle, an installed package, and the TypeScript sources under vitest, which
 * must still load the built file: a thread cannot load .ts on Node 20, and the tests exercise what ships.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(moduleUrl: string): string {
  let folder = dirname(fileURLToPath(moduleUrl));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`no package.json above ${fileURLToPath(moduleUrl)}`);
    folder = parent;
  }
  return folder;
}

/** `moduleUrl` is the caller's import.meta.url; `what` names the file in the error if it is not built. */
export function builtFile(moduleUrl: string, pathInDist: string, what: string): string {
  const path = join(packageRoot(moduleUrl), 'dist', pathInDist);
  if (!existsSync(path)) throw new Error(`${what} ${path} is not built; run npm run build`);
  return path;
}
