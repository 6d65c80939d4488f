// Two projects: `unit` (pure logic, no Redis, next to the code) and `e2e` (real Redis, real
// processes, real HTTP; under test/). E2E files run one at a time (see package.json) because
// they assert timings against the reply budget and share two CPU cores with Redis and workers.
const moduleNameMapper = {
  '^@app/([a-z-]+)$': '<rootDir>/libs/$1/src',
  '^@app/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  '^.+\\.lua$': '<rootDir>/test/support/jest/lua-transform.js',
};
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  setupFiles: ['reflect-metadata'],
  moduleNameMapper,
  transform,
  moduleFileExtensions: ['ts', 'js', 'json', 'lua'],
};

module.exports = {
  // A global option (Jest ignores it per project): e2e tests start processes and wait on them.
  testTimeout: 60000,
  // Global too: a failed e2e test may leave a client reconnecting to a stopped Redis, and the
  // run must end with its result rather than wait for it. Unit tests open nothing.
  forceExit: true,
  // With --coverage, every source counts, not only the files some test happens to import: an
  // untested module shows as 0 % instead of being left out of the figure. Global as well: Jest
  // reads it from the root when it adds the untested files. Entry points (main.ts) and index.ts
  // re-exports hold no logic of their own.
  collectCoverageFrom: [
    '{apps,libs}/**/*.ts',
    '!**/*.spec.ts',
    '!**/*.d.ts',
    '!**/main.ts',
    '!**/index.ts',
    // The playground page runs in a browser; its tests drive it there (test/playground.e2e-spec.ts).
    '!apps/gateway/playground/**',
  ],
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,agents}/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/run-limit.ts',
    },
  ],
};
