/**
 * Runs `work` on items concurrently and yields the results strictly in input order, with at most
 * `maxInFlight` items started and not yet yielded. The next item is read only when the consumer asks for
 * the next result, so a slow consumer slows the reading: this is the whole of batch-grad's backpressure.
 *
 * If the run ends early (an error, or the consumer stops), it still waits for the work already started
 * to settle before it returns: the caller may close the worker pool next, and piscina treats a result
 * that arrives after its pool was destroyed as an uncaught error.
 */
export async function* orderedMap<T, R>(
  items: AsyncIterable<T>,
  work: (item: T) => Promise<R>,
  maxInFlight: number,
): AsyncGenerator<R> {
  const inFlight: Array<Promise<R>> = [];
  try {
    for await (const item of items) {
      const result = work(item);
      // A failure is reported when its turn comes, in order; until then it must not count as unhandled.
      result.catch(() => undefined);
      inFlight.push(result);
      if (inFlight.length >= maxInFlight) yield await inFlight.shift()!;
    }
    while (inFlight.length > 0) yield await inFlight.shift()!;
  } finally {
    await Promise.allSettled(inFlight);
  }
}
