/**
 * Jest for `npm run test:cluster`: the engine on a real multi-service Temporal server on PostgreSQL
 * (test/cluster). Its setup builds the server with Go once (about 4 minutes, then reused) and starts
 * PostgreSQL, the server, two workers and two API replicas as processes, so the timeouts are long.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest'] },
  maxWorkers: 1,
  testTimeout: 900_000,
  // The SDK's native runtime may keep a handle open (sdk-typescript#928); everything is stopped in afterAll.
  forceExit: true,
};
