/**
 * What each output format puts around the batches the workers encode. Text (CSV, TSV, JSON Lines): the
 * batches are the final bytes, after a CSV header line. Arrow: the batches arrive as Arrow IPC streams and
 * are written by apache-arrow's file or stream writer. Parquet: each batch is a Parquet file of its own,
 * whose row groups are stitched into the output (parquet-stitcher.ts). Memory stays bounded: every writer
 * waits until what it produced has been handed to the output.
 */
import type { RecordBatchWriter } from 'apache-arrow';
import { arrow } from '../../compute/columnar/libraries.js';
import type { Format } from '../../compute/formats.js';
import { type JobSpec, summedColumnNames } from '../../compute/job/job.js';
import { headerLine } from '../../compute/output-header.js';
import type { Output } from './output.js';
import { ParquetStitcher } from './parquet-stitcher.js';

export interface FormatWriter {
  /** One batch as the workers encoded it; `written` runs once its bytes need no longer be kept. */
  write(bytes: Uint8Array, written?: () => void): Promise<void>;
  /** After the last batch: whatever the format writes at its end. Then commit the output. */
  finish(): Promise<void>;
}

/** `header`: whether a CSV or TSV output starts with its header line (a later shard's does not). */
export function formatWriter(format: Format, output: Output, job: JobSpec, header = true): FormatWriter {
  switch (format) {
    case 'csv':
    case 'tsv':
    case 'jsonl':
      return textWriter(format !== 'jsonl' && header, output, job);
    case 'arrow':
    case 'arrows':
      return new ArrowWriter(output, job, format === 'arrow');
    case 'parquet':
      return new ParquetWriter(output, job);
  }
}

function textWriter(header: boolean, output: Output, job: JobSpec): FormatWriter {
  let started = false;
  const start = async (): Promise<void> => {
    started = true;
    if (header) await output.write(headerLine(job));
  };
  return {
    async write(bytes, written) {
      if (!started) await start();
      await output.write(bytes, written);
    },
    async finish() {
      if (!started) await start();
    },
  };
}

/**
 * An empty batch of the job's output columns, so that an output with no rows still has its schema. The
 * encoder is loaded here, not at start-up: it brings the numbers module, which a run that starts the pool
 * never needs on this thread.
 */
async function emptyBatch(job: JobSpec): Promise<Uint8Array> {
  const { encodeOutput } = await import('../../compute/encode-output.js');
  return encodeOutput(job, { rows: 0, kept: [], columns: summedColumnNames(job).map(() => new Float64Array(0)) });
}

class ArrowWriter implements FormatWriter {
  private readonly writer: RecordBatchWriter;
  private readonly pumped: Promise<void>;
  private wrote = false;

  constructor(
    output: Output,
    private readonly job: JobSpec,
    fileFormat: boolean,
  ) {
    const { RecordBatchFileWriter, RecordBatchStreamWriter } = arrow();
    const writer: RecordBatchWriter = fileFormat ? new RecordBatchFileWriter() : new RecordBatchStreamWriter();
    this.writer = writer;
    this.pumped = (async () => {
      for await (const chunk of writer) await output.write(chunk);
    })();
    this.pumped.catch(() => undefined);
  }

  async write(bytes: Uint8Array, written?: () => void): Promise<void> {
    for (const batch of arrow().tableFromIPC(bytes).batches) this.writer.write(batch);
    this.wrote = true;
    written?.();
    await this.drained();
  }

  async finish(): Promise<void> {
    if (!this.wrote) await this.write(await emptyBatch(this.job));
    this.writer.finish();
    this.writer.close();
    await this.pumped;
  }

  /**
   * apache-arrow's writer queues the bytes it writes in an internal queue with no public size; wait until
   * the pump has taken them, so a slow output holds the run back instead of filling memory.
   */
  private async drained(): Promise<void> {
    const queue = (this.writer as unknown as { _sink?: { _values?: unknown[] } })._sink?._values;
    while (queue !== undefined && queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Each batch is a Parquet file of its own, from a worker; the stitcher joins their row groups into one file. */
class ParquetWriter implements FormatWriter {
  private readonly stitcher: ParquetStitcher;
  private wrote = false;

  constructor(
    output: Output,
    private readonly job: JobSpec,
  ) {
    this.stitcher = new ParquetStitcher((bytes, written) => output.write(bytes, written));
  }

  async write(bytes: Uint8Array, written?: () => void): Promise<void> {
    await this.stitcher.add(bytes, written);
    this.wrote = true;
  }

  async finish(): Promise<void> {
    if (!this.wrote) await this.write(await emptyBatch(this.job));
    await this.stitcher.finish();
  }
}
