import { count } from './io/progress.js';
import type { RunSummary } from './summary.js';

/** The short table printed on stderr at the end of a run. */
export function formatSummaryTable(summary: RunSummary): string {
  const { read, written, rejected } = summary.rows;
  const names = Object.keys(summary.columns);
  const width = Math.max(6, ...names.map((n) => n.length));
  const lines = [
    `rows: ${count(read)} read, ${count(written)} written, ${count(rejected)} rejected`,
    `${'column'.padEnd(width)}  ${'sum'.padStart(24)}  ${'mean'.padStart(24)}`,
    ...names.map((name) => {
      const { sum, mean } = summary.columns[name]!;
      return `${name.padEnd(width)}  ${String(sum).padStart(24)}  ${String(mean ?? '-').padStart(24)}`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}
