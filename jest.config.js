// Jest runs TypeScript through ts-jest in transpile-only mode: `npm test` type-checks the whole
// tree once with tsc before jest starts, so each test file need not be type-checked again.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60_000,
  // Files of one SQLite database are shared by the processes of a test; keep suites apart.
  maxWorkers: 2,
  verbose: true,
};
