#!/usr/bin/env node
/**
 * The `batch-grad` command: parses argv with yargs, then calls the library's runFile. Everything it knows
 * about exit codes comes from the error table in errors.ts. The build bundles this file with yargs and
 * the modules it imports into dist/src/cli/batch-grad.js, the command that ships: one file loads faster
 * than the dozens of modules it replaces (docs/performance.md has the start-up figures).
 */
import { readFileSync } from 'node:fs';
import yargs, { type Options } from 'yargs';
import {
  BatchGradError,
  DEFAULT_BATCH_SIZE,
  DEFAULT_COMPRESSION,
  ERROR_CODES,
  FIT_DEFAULTS,
  FIT_METHODS,
  type FitMethodChoice,
  FORMATS,
  fit,
  formatSummaryTable,
  LOSSES,
  mergeSummaries,
  NEWTON_MAX_PARAMETERS,
  PARQUET_COMPRESSIONS,
  runFile,
  TASK_SIZES,
} from '../index.js';
import { unknownOptionMessage } from './suggest.js';

// No V8 flags are set from here: flags set after start miss the heap already running this thread, and
// Node documents them as unsafe (what was tried is in docs/performance.md). Memory is kept flat by the
// workers' own young-generation cap (engine/pool.ts).

const mib = (bytes: number): number => bytes / 2 ** 20;

const packageJson = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

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

/** Options every command takes. */
const COMMON_OPTIONS = {
  quiet: {
    alias: 'q',
    type: 'boolean',
    describe: 'print nothing but errors: no summary table, no iteration lines, no progress',
  },
} as const;

/** The options that say what the model is and how the input is read: the same for a run and for fit. */
const MODEL_AND_INPUT_OPTIONS = {
  ...COMMON_OPTIONS,
  progress: {
    type: 'boolean',
    describe: 'show a progress bar on stderr within each pass [default: on when stderr is a terminal]',
  },
  threads: {
    alias: 't',
    type: 'string',
    describe: `worker threads [default: available parallelism; ${TASK_SIZES.inlineBytes === Number.POSITIVE_INFINITY ? 'CSV' : `CSV of at most ${mib(TASK_SIZES.inlineBytes)} MiB`} runs on the main thread]`,
    requiresArg: true,
  },
  'batch-size': {
    type: 'string',
    describe: `rows per task [default: ${DEFAULT_BATCH_SIZE}, Parquet output ${TASK_SIZES.parquetRows}; a CSV file: ${mib(TASK_SIZES.rangeBytes)} MiB ranges]`,
    requiresArg: true,
  },
  expr: {
    alias: 'e',
    type: 'string',
    describe: 'a formula to use instead of the logistic model, e.g. "w*x1 + w*x2"',
    requiresArg: true,
  },
  features: {
    type: 'string',
    describe: 'the logistic model over these columns, comma-separated, with parameters w_<feature> and b',
    requiresArg: true,
  },
  params: {
    type: 'string',
    describe: "a JSON file of parameter values (name -> number), e.g. a fit's model.json",
    requiresArg: true,
  },
  param: {
    type: 'string',
    array: true,
    describe: 'a parameter, name=value (repeatable; wins over --params)',
    requiresArg: true,
  },
  label: { type: 'string', describe: "the column holding each row's target (needs --loss)", requiresArg: true },
  loss: {
    choices: LOSSES,
    describe:
      'bce: cross-entropy on the logit, labels 0 or 1; squared: (f - label)^2; poisson: exp(z) - label*z on the log of the mean z, labels >= 0; softmax: the multinomial model over --features and --classes',
  },
  classes: {
    type: 'string',
    describe:
      "with --loss softmax: the label's classes as written, comma-separated [default: a fit's model.json given by --params; fit finds them]",
    requiresArg: true,
  },
  weight: { type: 'string', describe: "a column multiplying each row's loss", requiresArg: true },
  from: { choices: FORMATS, describe: 'the input format [default: by extension; csv for stdin]' },
  header: {
    type: 'boolean',
    default: true,
    describe: 'the CSV input starts with a header row (--no-header: it does not; give --columns)',
  },
  columns: { type: 'string', describe: 'with --no-header: the column names, comma-separated', requiresArg: true },
  delimiter: {
    alias: 'd',
    type: 'string',
    describe: 'field delimiter, one ASCII character (\\t or tab for a tab) [default: "," or a tab for TSV]',
    requiresArg: true,
  },
  'on-error': {
    choices: ['fail', 'skip'] as const,
    default: 'fail' as const,
    describe: 'on a bad row: stop (fail), or skip it and count it (skip)',
  },
  rejects: {
    type: 'string',
    describe: 'with --on-error skip: write each rejected row, its line and reason, to this CSV file',
    requiresArg: true,
  },
} as const;

/** The model and input options as runFile and fit take them. */
function modelAndInput(argv: { [key: string]: unknown }, args: readonly string[]) {
  const inputs = argv.input as string[];
  return {
    // yargs-parser reads a lone "-" positional as an empty string, or drops it; "-" is what the user typed.
    input: inputs.length === 0 && args.includes('-') ? ['-'] : inputs.map((path) => (path === '' ? '-' : String(path))),
    threads: integerOrText(argv.threads as string | undefined) as number | undefined,
    batchSize: integerOrText(argv['batch-size'] as string | undefined) as number | undefined,
    expr: argv.expr as string | undefined,
    features: argv.features as string | undefined,
    params: argv.params as string | undefined,
    param: argv.param as string[] | undefined,
    classes: argv.classes as string | undefined,
    label: argv.label as string | undefined,
    loss: argv.loss as (typeof LOSSES)[number] | undefined,
    weight: argv.weight as string | undefined,
    from: argv.from as (typeof FORMATS)[number] | undefined,
    header: argv.header as boolean | undefined,
    columns: argv.columns as string | undefined,
    delimiter: argv.delimiter as string | undefined,
    onError: argv['on-error'] as 'fail' | 'skip',
    rejects: argv.rejects as string | undefined,
    progress: argv.quiet === true ? false : ((argv.progress as boolean | undefined) ?? process.stderr.isTTY === true),
  };
}

/** yargs' usage errors in the shape of every other error: the message, then the stable code (and a hint). */
function usageFailure(hint: string) {
  return (message: string | undefined, error: Error | undefined): void => {
    if (error && error.name !== 'YError') throw error;
    process.stderr.write(`batch-grad: ${message ?? error?.message} [INVALID_OPTION]\n${hint}`);
    exitWith(ERROR_CODES.INVALID_OPTION.exit);
  };
}

/**
 * A command's yargs, in English (batch-grad's own messages are English; yargs' would follow LANG, and the
 * bundle does not carry its locale files), strict, with --help, -h and --version, and usage errors like
 * every other error. A mistyped option is named, with the nearest known one, before yargs would report a
 * missing required option instead.
 */
function command<O extends Record<string, Options>>(
  args: readonly string[],
  name: string,
  usage: string,
  options: O,
  hint: string,
) {
  const unknown = unknownOptionMessage(args, options);
  if (unknown !== undefined) usageFailure(hint)(unknown, undefined);
  return yargs(args)
    .scriptName(name)
    .locale('en')
    .usage(usage)
    .options(options)
    .version(packageJson.version)
    .help()
    .alias('help', 'h')
    .strict()
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail(usageFailure(hint));
}

/** yargs would turn "abc" into NaN; keep what the user typed so the message can show it. */
const integerOrText = (value: string | undefined): number | string | undefined =>
  value === undefined ? undefined : /^\s*\d+\s*$/.test(value) ? Number(value) : value;
const numberOrText = (value: string | undefined): number | string | undefined =>
  value === undefined ? undefined : /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(value) ? Number(value) : value;

/**
 * Runs a command with SIGINT and SIGTERM turned into INTERRUPTED: the run stops, removes its temporary
 * outputs, and the process exits 130 or 143. Every failure ends in fail().
 */
async function withSignals(run: (signal: AbortSignal) => Promise<void>): Promise<void> {
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
    await run(controller.signal);
  } catch (error) {
    fail(error);
  }
}

function exitWith(code: number): never {
  process.exit(code);
}

const MERGE_OPTIONS = {
  ...COMMON_OPTIONS,
  summary: {
    type: 'string',
    describe: 'write the merged summary as JSON to this file, or - for stdout',
    requiresArg: true,
  },
} as const;

/** `batch-grad merge part-*.json [--summary total.json]`: the shards' summaries added into the job's. */
async function merge(args: readonly string[]): Promise<void> {
  const argv = await command(
    args,
    'batch-grad merge',
    "$0 <part.json..> [--summary total.json]\n\nAdds the summaries of a job's shards (each from --shard k/N --summary) into the summary of the whole job: the same sums, to the bit, as one run.",
    MERGE_OPTIONS,
    'Run batch-grad merge --help for the options.\n',
  )
    .command('$0 <parts..>', false, (y) =>
      y.positional('parts', { type: 'string', array: true, describe: "the shards' summaries" }),
    )
    .parseAsync();
  const summary = await mergeSummaries((argv.parts as string[]).map(String), { summary: argv.summary });
  if (argv.quiet !== true) process.stderr.write(formatSummaryTable(summary));
}

const FIT_OPTIONS = {
  ...MODEL_AND_INPUT_OPTIONS,
  out: {
    alias: 'o',
    type: 'string',
    describe: 'write the fitted model (parameters, loss, gradient, iterations, why it stopped) as JSON here',
    requiresArg: true,
  },
  l2: {
    type: 'string',
    describe: `L2 penalty on every parameter but b [default: ${FIT_DEFAULTS.l2}]`,
    requiresArg: true,
  },
  'max-iter': {
    type: 'string',
    describe: `iterations at most [default: ${FIT_DEFAULTS.maxIterations}]`,
    requiresArg: true,
  },
  tol: {
    type: 'string',
    describe: `stop when the gradient's largest component is at most this [default: ${FIT_DEFAULTS.tolerance}]`,
    requiresArg: true,
  },
  method: {
    choices: FIT_METHODS,
    describe: `newton: Newton's method on the exact curvature (bce); lm: Levenberg–Marquardt (squared); lbfgs: from gradients alone; auto: newton or lm by the loss, lbfgs above ${NEWTON_MAX_PARAMETERS} parameters [default: ${FIT_DEFAULTS.method}]`,
    requiresArg: true,
  },
  history: {
    type: 'string',
    describe: `L-BFGS curvature pairs kept [default: ${FIT_DEFAULTS.history}]`,
    requiresArg: true,
  },
  cache: {
    type: 'boolean',
    describe: 'keep the parsed model inputs in memory after the first pass (refused when they would not fit)',
  },
} as const;

/** `batch-grad fit data.csv --features a,b --label y --loss bce --out model.json`: a fit over passes of the data. */
async function fitCommand(args: readonly string[], signal: AbortSignal): Promise<void> {
  const argv = await command(
    args,
    'batch-grad fit',
    '$0 <input..> --label <column> --loss bce|squared|poisson|softmax (--features <columns> | --expr <formula> --param name=start ...) [--out model.json]\n\nFits the parameters by minimising mean loss + (l2/2)||weights||^2 by Newton steps, Levenberg–Marquardt or L-BFGS (--method); each evaluation is one pass over the data.\nExits 3 when it stops without converging (the model is still written, with the reason).',
    FIT_OPTIONS,
    'Run batch-grad fit --help for the options.\n',
  )
    .command('$0 <input..>', false, (y) =>
      y.positional('input', { type: 'string', array: true, describe: 'input file(s) or folder(s), or - for stdin' }),
    )
    .example(
      '$0 clicks.csv --features age,income --label clicked --loss bce --l2 1e-4 --out model.json',
      'logistic regression; then batch-grad clicks.csv --params model.json ... for predictions',
    )
    .example(
      '$0 decay.csv -e "a*exp(-k*t) + c" --param a=1 --param k=0.1 --param c=0 --label y --loss squared',
      'nonlinear least squares',
    )
    .parseAsync();
  const quiet = argv.quiet === true;
  const result = await fit({
    ...modelAndInput(argv, args),
    out: argv.out,
    l2: numberOrText(argv.l2) as number | undefined,
    maxIterations: integerOrText(argv['max-iter']) as number | undefined,
    tolerance: numberOrText(argv.tol) as number | undefined,
    history: integerOrText(argv.history) as number | undefined,
    method: argv.method as FitMethodChoice | undefined,
    cache: argv.cache,
    signal,
    ...(quiet
      ? {}
      : {
          onCacheEstimate: ({ rows, bytes }: { rows: number; bytes: number }) =>
            process.stderr.write(
              `cache: about ${(bytes / 2 ** 20).toFixed(0)} MiB for about ${rows.toLocaleString('en')} rows\n`,
            ),
          onIteration: ({
            iteration,
            value,
            gradientNorm,
            step,
          }: {
            iteration: number;
            value: number;
            gradientNorm: number;
            step: number;
          }) =>
            process.stderr.write(
              `iteration ${iteration}: loss ${value}, gradient ${gradientNorm.toExponential(3)}, step ${step.toPrecision(4)}\n`,
            ),
        }),
  });
  if (!quiet) {
    const params = Object.entries(result.params)
      .map(([name, value]) => `  ${name} = ${value}`)
      .join('\n');
    process.stderr.write(
      `${result.status}: ${result.message}\nloss ${result.loss} (mean loss ${result.meanLoss}) after ${result.iterations} ${result.method} iterations, ${result.evaluations} passes over ${result.rows.used.toLocaleString('en')} rows\n${params}\n`,
    );
  }
  if (result.status !== 'converged') {
    throw new BatchGradError(
      'FIT_NOT_CONVERGED',
      `fit stopped without converging (${result.status}): ${result.message}${argv.out === undefined ? '' : `; ${argv.out} holds where it stopped`}`,
      {},
    );
  }
}

const RUN_OPTIONS = {
  out: {
    alias: 'o',
    type: 'string',
    demandOption: true,
    describe: 'output file (its format by extension), or - for stdout',
    requiresArg: true,
  },
  ...MODEL_AND_INPUT_OPTIONS,
  wrt: {
    type: 'string',
    describe:
      'the inputs whose gradients are written, comma-separated [default: the parameters, else every model input]',
    requiresArg: true,
  },
  to: { choices: FORMATS, describe: 'the output format [default: by extension; csv for stdout]' },
  compression: {
    choices: PARQUET_COMPRESSIONS,
    describe: `Parquet output compression [default: ${DEFAULT_COMPRESSION}]`,
  },
  shard: {
    type: 'string',
    describe:
      'k/N: process the k-th of N parts of the input (shard 1 writes the header); stdin is taken as that part, already cut',
    requiresArg: true,
  },
  keep: {
    alias: 'k',
    type: 'string',
    describe: 'input columns to copy to the output, comma-separated (e.g. an id)',
    requiresArg: true,
  },
  summary: {
    type: 'string',
    describe: 'also write the summary (counts, sums, means) as JSON to this file, or - for stdout',
    requiresArg: true,
  },
} as const;

async function main(signal: AbortSignal): Promise<void> {
  // What yargs' hideBin does for plain Node, without importing yargs/helpers (slow to load).
  const args = joinExprValues(process.argv.slice(2));
  const argv = await command(
    args,
    'batch-grad',
    '$0 <input> --out <output> [options]\n\nValues and gradients of a function, row by row, over CSV, TSV, JSON Lines, Parquet or Arrow files, on all cores.\nAlso: batch-grad fit (train the parameters), batch-grad merge (add the summaries of shards); each has --help.\nBy default the function is the logistic model f = 1/(1+exp(-(w1*x1 + ... + wn*xn + b))), n from the header.',
    RUN_OPTIONS,
    'Run batch-grad --help for the options.\n',
  )
    .command('$0 <input..>', false, (y) =>
      y.positional('input', { type: 'string', array: true, describe: 'input file(s) or folder(s), or - for stdin' }),
    )
    .example('$0 data.csv --out grads.csv', 'the logistic model; n is read from the header (w1..wn, x1..xn, b)')
    .example(
      '$0 data.csv -o grads.csv --keep id --summary totals.json',
      'copy the id column, and write sums and means as JSON',
    )
    .example('$0 data.csv -o - --expr "w1*x1 + w2*x2"', 'any formula over the columns, written to stdout')
    .example(
      '$0 data.csv -o g.csv --features age,income --label clicked --loss bce --summary s.json',
      'per-row loss gradients of a logistic model; the exact batch gradient in s.json',
    )
    .example(
      'cat data.csv | $0 - -o grads.csv --on-error skip --rejects bad.csv',
      'read stdin; skip bad rows and list them',
    )
    .epilogue(
      `Exit codes: 0 done; 1 bad input, output or worker failure; 2 bad usage; 3 fit did not converge; 130/143 interrupted; 141 output pipe closed.\nOutput: the kept columns, f, then df_d<name> for each model input in header order; with a loss, f, loss, then dloss_d<name>.`,
    )
    .parseAsync();
  const summary = await runFile({
    ...modelAndInput(argv, args),
    shard: argv.shard,
    output: argv.out,
    wrt: argv.wrt,
    to: argv.to,
    compression: argv.compression,
    keep: argv.keep,
    summary: argv.summary,
    signal,
  });
  if (argv.quiet !== true) process.stderr.write(formatSummaryTable(summary));
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
  process.stderr.write(
    `batch-grad: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  exitWith(1);
}

const subcommand = process.argv[2];
if (subcommand === 'merge') await withSignals(() => merge(process.argv.slice(3)));
else if (subcommand === 'fit') await withSignals((signal) => fitCommand(joinExprValues(process.argv.slice(3)), signal));
else await withSignals(main);
