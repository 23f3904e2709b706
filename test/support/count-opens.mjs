// Preloaded with `node --import` (NODE_OPTIONS): counts the coordinator's (the main thread's) opens of the
// file named by BATCH_GRAD_COUNT_OPENS and prints the count to stderr at exit, as `opens: N`.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve } from 'node:path';
import { isMainThread } from 'node:worker_threads';

const watched = process.env.BATCH_GRAD_COUNT_OPENS;
if (isMainThread && watched !== undefined) {
  const target = resolve(watched);
  let opens = 0;
  const counted = (open) =>
    function (path, ...rest) {
      if (typeof path === 'string' && resolve(path) === target) opens++;
      return open.call(this, path, ...rest);
    };
  fs.open = counted(fs.open);
  fs.openSync = counted(fs.openSync);
  fs.promises.open = counted(fs.promises.open);
  fs.createReadStream = counted(fs.createReadStream);
  syncBuiltinESMExports();
  process.on('exit', () => process.stderr.write(`opens: ${opens}\n`));
}
