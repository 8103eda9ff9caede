/**
 * Jest for `npm run test:faults`: the fault-injection suite (test/faults). Each test starts the embedded
 * default as real processes (dev server on SQLite, worker, API), breaks one of them and checks the final
 * state, so the timeouts are long; suites run one at a time on this two-core machine.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest'] },
  maxWorkers: 1,
  testTimeout: 300_000,
  // Servers are torn down in afterAll; the SDK's native runtime may keep a handle open (sdk-typescript#928).
  forceExit: true,
};
