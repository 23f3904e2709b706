/** Turning an AbortSignal into the INTERRUPTED error, wherever a run waits. */
import { BatchGradError } from '../errors.js';

export function interrupted(signal: AbortSignal): BatchGradError {
  const reason: unknown = signal.reason;
  return reason instanceof BatchGradError ? reason : new BatchGradError('INTERRUPTED', 'the run was interrupted');
}

/**
 * `promise`, or a rejection with INTERRUPTED as soon as `signal` aborts: a run blocked on a slow stdin or a
 * stalled output must still stop promptly and clean up when the user presses Ctrl-C.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(interrupted(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(interrupted(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
