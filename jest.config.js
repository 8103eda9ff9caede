/**
 * Jest for `npm test`: unit, workflow and API tiers. TypeScript is compiled by swc (type-checking is done
 * once by `npm run typecheck`); workflow code is bundled by the Temporal SDK's own webpack, not by jest.
 * Suites run one at a time: each starts its own Temporal server and the machine has two cores.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Browser tests (`npm run test:e2e`) and fault tests (`npm run test:faults`) and the cluster suite (`npm run test:cluster`) have their own commands.
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/faults/',
    '<rootDir>/test/e2e/',
    '<rootDir>/test/cluster/',
  ],
  transform: { '^.+\\.tsx?$': ['@swc/jest'] },
  maxWorkers: 1,
  testTimeout: 60_000,
  // The SDK's native runtime keeps a handle open after TestWorkflowEnvironment.teardown (sdk-typescript#928);
  // every suite tears its servers down in afterAll, so exiting at the end loses nothing.
  forceExit: true,
};
