import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BatchGradError, ERROR_CODES } from '../src/errors.js';

describe('error codes', () => {
  it('are all documented in the README with their exit codes', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const [code, { exit, summary }] of Object.entries(ERROR_CODES)) {
      expect(readme).toContain(`| \`${code}\` | ${exit} | ${summary} |`);
    }
  });

  it('cross the thread boundary as data and come back with code, message and context', () => {
    const error = new BatchGradError('FIELD_EMPTY', 'data.csv:3, column 2 (w1): empty field', {
      file: 'data.csv',
      line: 3,
      column: 2,
    });
    const copy = BatchGradError.fromData(structuredClone(error.toData()));
    expect(copy).toBeInstanceOf(BatchGradError);
    expect(copy).toMatchObject({ code: 'FIELD_EMPTY', message: error.message, context: error.context, exitCode: 1 });
  });
});
