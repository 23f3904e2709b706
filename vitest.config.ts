import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests spawn the built CLI and real worker threads; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A focused test (`.only`) would make the suite pass on the tests it left out.
    allowOnly: false,
    // `npm run coverage`: the code the test processes run (unit tests, and the library called in process);
    // the CLI's own processes and worker threads are not measured (docs/coverage.md).
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/wasm/**'],
      reporter: ['text-summary', 'json-summary', 'json'],
      reportsDirectory: 'coverage',
    },
  },
});
