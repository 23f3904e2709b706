/** The header line of a CSV or TSV output: the job's output columns, in their one order, as CSV fields. */
import { csvField } from './csv/csv-field.js';
import { type JobSpec, outputColumnNames } from './job/job.js';

export function headerLine(job: JobSpec): Uint8Array {
  const d = job.output.delimiter;
  return Buffer.from(
    `${outputColumnNames(job)
      .map((name) => csvField(name, d))
      .join(d)}\n`,
  );
}
