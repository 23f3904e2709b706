/** Random valid CSV for the record-cutting tests: quoted fields hold delimiters, line ends and quotes. */
import { seededRandom } from './random.js';

export interface RandomCsvOptions {
  readonly rows: number;
  readonly seed: number;
  /** Numeric columns after the text column (named x1..xN). */
  readonly numbers?: number;
  /** Line ends: LF, CRLF, or either by chance. */
  readonly lineEnd?: '\n' | '\r\n';
}

/** `id,note,x1..xN` rows; the note is empty, plain, or quoted with commas, line ends and doubled quotes. */
export function randomCsv({ rows, seed, numbers = 2, lineEnd }: RandomCsvOptions): string {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const end = lineEnd ?? (random() < 0.5 ? '\n' : '\r\n');
  const note = (): string =>
    pick([
      () => '',
      () => pick(['abc', 'd e', 'x']),
      () =>
        `"${pick(['a,b', 'x\ny', 'q""r', '\n', '""', ',', 'p\r\nq', 'line1\nline2\n"",', 'a "" quoted, "" note\nover\nlines'])}"`,
    ])();
  const lines = [['id', 'note', ...Array.from({ length: numbers }, (_, i) => `x${i + 1}`)].join(',')];
  for (let r = 1; r <= rows; r++)
    lines.push([r, note(), ...Array.from({ length: numbers }, () => (random() * 4 - 2).toFixed(4))].join(','));
  return `${lines.join(end)}${end}`;
}
