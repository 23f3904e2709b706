/**
 * The file piscina loads in each thread. It is CommonJS on purpose: piscina first require()s its worker
 * file, and Node 20's require() of an ES module (grad-worker.js) can abort the whole process with an
 * assertion in its module loader. require() of this file is plain CommonJS, and it imports the ES module
 * the supported way, once per thread.
 */
import type { WorkerRequest } from '../src/engine/protocol.js';

/**
 * grad-worker.js and everything it imports, bundled into one file by the build: one module to resolve,
 * read and compile instead of dozens, which a thread pays before its first task (docs/performance.md).
 */
const BUNDLE: string = './grad-worker.bundle.js';
const worker: Promise<typeof import('./grad-worker.js')> = import(BUNDLE);

export = async function gradWorker(request: WorkerRequest): Promise<unknown> {
  return (await worker).default(request);
};
