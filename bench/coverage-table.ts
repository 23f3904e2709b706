/**
 * node dist/bench/coverage-table.js [coverage/coverage-summary.json]: the coverage that `npm run coverage`
 * wrote, added up by folder of src/, as the Markdown table docs/coverage.md holds.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

interface Counts {
  total: number;
  covered: number;
}
type Summary = Record<string, Record<'lines' | 'statements' | 'functions' | 'branches', Counts>>;

const path = resolve(process.argv[2] ?? 'coverage/coverage-summary.json');
const summary = JSON.parse(readFileSync(path, 'utf8')) as Summary;
const root = dirname(dirname(path));
const kinds = ['lines', 'branches', 'functions'] as const;
const folders = new Map<string, { files: number } & Record<(typeof kinds)[number], Counts>>();
const add = (folder: string, file: Summary[string]): void => {
  const entry = folders.get(folder) ?? {
    files: 0,
    lines: { total: 0, covered: 0 },
    branches: { total: 0, covered: 0 },
    functions: { total: 0, covered: 0 },
  };
  entry.files++;
  for (const kind of kinds) {
    entry[kind].total += file[kind].total;
    entry[kind].covered += file[kind].covered;
  }
  folders.set(folder, entry);
};
for (const [file, counts] of Object.entries(summary)) {
  if (file === 'total') continue;
  add(dirname(relative(root, file)), counts);
  add('all of src', counts);
}
const percent = ({ total, covered }: Counts): string =>
  total === 0 ? '-' : `${((100 * covered) / total).toFixed(1)}%`;
console.log('| folder | files | lines | branches | functions |');
console.log('|---|---|---|---|---|');
for (const [folder, entry] of [...folders].sort(([a], [b]) =>
  a === 'all of src' ? 1 : b === 'all of src' ? -1 : a.localeCompare(b),
)) {
  console.log(
    `| ${folder} | ${entry.files} | ${percent(entry.lines)} | ${percent(entry.branches)} | ${percent(entry.functions)} |`,
  );
}
