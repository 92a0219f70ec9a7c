// Jest runs the ESM build of the code (NestJS 12 ships ES modules only), through ts-jest.
// `npm test` type-checks the whole tree with tsc before jest starts, so ts-jest only transpiles.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false, tsconfig: 'tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // A timeout here only catches a hang: speed is measured by the benchmarks, and a loaded 2-core
  // machine running two suites at once takes several times as long as an idle one.
  // The slowest test took 122 s with three suites at once on a loaded machine (load average 17).
  testTimeout: 300_000,
  maxWorkers: 2,
  verbose: true,
};
