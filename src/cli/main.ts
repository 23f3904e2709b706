#!/usr/bin/env node
/**
 * The `batch-grad` command: parses argv with yargs, then calls the library's runFile. Everything it knows
 * about exit codes comes from the error table in errors.ts. The build bundles this file with yargs and
 * the modules it imports into dist/src/cli/batch-grad.js, the command that ships: one file loads faster
 * than the dozens of modules it replaces (docs/performance.md has the start-up figures).
 */
import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { writeFileSync } from 'node:fs';
import { BatchGradError, DEFAULT_BATCH_SIZE, ERROR_CODES, mergeSummaries, runFile, type RunSummary } from '../index.js';
import { formatSummaryTable } from './summary-table.js';

// No V8 flags are set from here: flags set after start miss the heap already running this thread, and
// Node documents them as unsafe (what was tried is in docs/performance.md). Memory is kept flat by the
// workers' own young-generation cap (engine/pool.ts).

const packageJson = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * `-e VALUE` and `--expr VALUE` joined into `--expr=VALUE`, so a formula that starts with a minus
 * (`-e "-(w^2)"`) is taken as the formula, not as another option.
 */
function joinExprValues(args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      joined.push(...args.slice(i));
      break;
    }
    if ((arg === '-e' || arg === '--expr') && i + 1 < args.length) joined.push(`--expr=${args[++i]!}`);
    else joined.push(arg);
  }
  return joined;
}

/** yargs would turn "abc" into NaN; keep what the user typed so the message can show it. */
const integerOrText = (value: string | undefined): number | string | undefined =>
  value === undefined ? undefined : /^\s*\d+\s*$/.test(value) ? Number(value) : value;

function exitWith(code: number): never {
  process.exit(code);
}

/** `batch-grad merge part-*.json [--summary total.json]`: the shards' summaries added into the job's. */
async function merge(args: readonly string[]): Promise<void> {
  const argv = await yargs(args)
    .scriptName('batch-grad merge')
    .locale('en')
    .usage('$0 <part.json..> [--summary total.json]\n\nAdds the summaries of a job\'s shards (each from --shard k/N --summary) into the summary of the whole job: the same sums, to the bit, as one run.')
    .command('$0 <parts..>', false, (y) => y.positional('parts', { type: 'string', array: true, describe: 'the shards\' summaries' }))
    .option('summary', { type: 'string', describe: 'write the merged summary as JSON to this file', requiresArg: true })
    .help()
    .strict()
    .fail((message, error) => {
      if (error && error.name !== 'YError') throw error;
      process.stderr.write(`batch-grad: ${message ?? error?.message} [INVALID_OPTION]\n`);
      exitWith(ERROR_CODES.INVALID_OPTION.exit);
    })
    .parseAsync();
  const summary: RunSummary = await mergeSummaries((argv.parts as string[]).map(String));
  if (argv.summary !== undefined) writeFileSync(argv.summary, `${JSON.stringify(summary, null, 2)}\n`);
  process.stderr.write(formatSummaryTable(summary));
}

async function main(): Promise<void> {
  // What yargs' hideBin does for plain Node, without importing yargs/helpers (slow to load).
  const args = joinExprValues(process.argv.slice(2));
  const argv = await yargs(args)
    .scriptName('batch-grad')
    // batch-grad's own messages are English; yargs' would follow LANG and mix two languages in one
    // message (and the bundle does not carry yargs' locale files).
    .locale('en')
    .usage('$0 <input> --out <output> [options]\n\nValues and gradients of a function, row by row, over a CSV file, on all cores.\nBy default the function is the logistic model f = 1/(1+exp(-(w1*x1 + ... + wn*xn + b))), n from the header.')
    .command('$0 <input..>', false, (y) => y.positional('input', { type: 'string', array: true, describe: 'input file(s) or folder(s), or - for stdin' }))
    .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'output CSV file, or - for stdout', requiresArg: true })
    .option('threads', { alias: 't', type: 'string', describe: 'worker threads [default: available parallelism]', requiresArg: true })
    .option('batch-size', { type: 'string', describe: `rows per task [default: ${DEFAULT_BATCH_SIZE}]`, requiresArg: true })
    .option('expr', { alias: 'e', type: 'string', describe: 'a formula to use instead of the logistic model, e.g. "w*x1 + w*x2"', requiresArg: true })
    .option('features', { type: 'string', describe: 'the logistic model over these columns, comma-separated, with parameters w_<feature> and b', requiresArg: true })
    .option('params', { type: 'string', describe: 'a JSON file of parameter values (name -> number), e.g. a fit\'s model.json', requiresArg: true })
    .option('param', { type: 'string', array: true, describe: 'a parameter, name=value (repeatable; wins over --params)', requiresArg: true })
    .option('label', { type: 'string', describe: 'the column holding each row\'s target (needs --loss)', requiresArg: true })
    .option('loss', { choices: ['bce', 'squared'] as const, describe: 'bce: cross-entropy on the logit, labels 0 or 1; squared: (f - label)^2' })
    .option('weight', { type: 'string', describe: 'a column multiplying each row\'s loss', requiresArg: true })
    .option('wrt', { type: 'string', describe: 'the inputs whose gradients are written, comma-separated [default: the parameters, else every model input]', requiresArg: true })
    .option('from', { choices: ['csv', 'tsv', 'jsonl', 'parquet', 'arrow', 'arrows'] as const, describe: 'the input format [default: by extension; csv for stdin]' })
    .option('to', { choices: ['csv', 'tsv', 'jsonl', 'parquet', 'arrow', 'arrows'] as const, describe: 'the output format [default: by extension; csv for stdout]' })
    .option('compression', { choices: ['snappy', 'zstd', 'gzip', 'brotli', 'lz4', 'none'] as const, describe: 'Parquet output compression [default: snappy]' })
    .option('shard', { type: 'string', describe: 'k/N: process the k-th of N parts of the input (shard 1 writes the header)', requiresArg: true })
    .option('header', { type: 'boolean', default: true, describe: 'the CSV input starts with a header row (--no-header: it does not; give --columns)' })
    .option('columns', { type: 'string', describe: 'with --no-header: the column names, comma-separated', requiresArg: true })
    .option('keep', { alias: 'k', type: 'string', describe: 'input columns to copy to the output, comma-separated (e.g. an id)', requiresArg: true })
    .option('summary', { type: 'string', describe: 'also write the summary (counts, sums, means) as JSON to this file', requiresArg: true })
    .option('delimiter', { alias: 'd', type: 'string', describe: 'field delimiter, one ASCII character (\\t or tab for a tab) [default: "," or a tab for TSV]', requiresArg: true })
    .option('on-error', { choices: ['fail', 'skip'] as const, default: 'fail' as const, describe: 'on a bad row: stop (fail), or skip it and count it (skip)' })
    .option('rejects', { type: 'string', describe: 'with --on-error skip: write each rejected row, its line and reason, to this CSV file', requiresArg: true })
    .option('progress', { type: 'boolean', describe: 'show progress on stderr [default: on when stderr is a terminal]' })
    .example('$0 data.csv --out grads.csv', 'the logistic model; n is read from the header (w1..wn, x1..xn, b)')
    .example('$0 data.csv -o grads.csv --keep id --summary totals.json', 'copy the id column, and write sums and means as JSON')
    .example('$0 data.csv -o - --expr "w*x1 + w*x2"', 'any formula over the columns, written to stdout')
    .example('$0 data.csv -o g.csv --features age,income --label clicked --loss bce --summary s.json', 'per-row loss gradients of a logistic model; the exact batch gradient in s.json')
    .example('cat data.csv | $0 - -o grads.csv --on-error skip --rejects bad.csv', 'read stdin; skip bad rows and list them')
    .epilogue(`Exit codes: 0 done; 1 bad input, output or worker failure; 2 bad usage; 130/143 interrupted; 141 output pipe closed.\nOutput: the kept columns, f, then df_d<name> for each model input in header order; with a loss, f, loss, then dloss_d<name>.`)
    .version(packageJson.version)
    .help()
    .alias('help', 'h')
    .strict()
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    // Usage errors take the shape of every other error: the message, then the stable code.
    .fail((message, error) => {
      if (error && error.name !== 'YError') throw error;
      process.stderr.write(`batch-grad: ${message ?? error?.message} [INVALID_OPTION]\nRun batch-grad --help for the options.\n`);
      exitWith(ERROR_CODES.INVALID_OPTION.exit);
    })
    .parseAsync();

  const controller = new AbortController();
  const onSignal = (signal: 'SIGINT' | 'SIGTERM', code: number) => () => {
    controller.abort(new BatchGradError('INTERRUPTED', `interrupted by ${signal}`, { value: signal }));
    process.exitCode = code;
    // If something still blocks (a stalled pipe), leave anyway once the cleanup has had its chance.
    setTimeout(() => exitWith(code), 2000).unref();
  };
  process.once('SIGINT', onSignal('SIGINT', 130));
  process.once('SIGTERM', onSignal('SIGTERM', 143));

  try {
    const summary = await runFile({
      // yargs-parser reads a lone "-" positional as an empty string; "-" is what the user typed.
      input: (argv.input as string[]).length === 0 && args.includes('-') ? ['-'] : (argv.input as string[]).map((path) => (path === '' ? '-' : String(path))),
      shard: argv.shard,
      header: argv.header,
      columns: argv.columns,
      output: argv.out,
      threads: integerOrText(argv.threads) as number | undefined,
      batchSize: integerOrText(argv['batch-size']) as number | undefined,
      expr: argv.expr,
      features: argv.features,
      params: argv.params,
      param: argv.param,
      label: argv.label,
      loss: argv.loss,
      weight: argv.weight,
      wrt: argv.wrt,
      from: argv.from,
      to: argv.to,
      compression: argv.compression,
      keep: argv.keep,
      summary: argv.summary,
      delimiter: argv.delimiter,
      onError: argv['on-error'],
      rejects: argv.rejects,
      progress: argv.progress ?? process.stderr.isTTY === true,
      signal: controller.signal,
    });
    process.stderr.write(formatSummaryTable(summary));
  } catch (error) {
    fail(error);
  }
}

/** Every failure's last words: the message and its stable code, and the code's exit status. */
function fail(error: unknown): never {
  if (error instanceof BatchGradError) {
    if (error.code === 'INTERRUPTED') {
      process.stderr.write(`batch-grad: ${error.message}; no output was left\n`);
      exitWith(error.context.value === 'SIGTERM' ? 143 : 130);
    }
    // A closed pipe is the reader's choice (`| head`), not a failure worth a message.
    if (error.code !== 'OUTPUT_CLOSED') process.stderr.write(`batch-grad: ${error.message} [${error.code}]\n`);
    exitWith(error.exitCode);
  }
  process.stderr.write(`batch-grad: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  exitWith(1);
}

const command = process.argv[2];
if (command === 'merge') await merge(process.argv.slice(3)).catch(fail);
else await main();
