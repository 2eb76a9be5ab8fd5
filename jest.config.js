const { availableParallelism } = require('node:os');
const { join } = require('node:path');

/**
 * The code's tests price with the frozen test/fixtures/rules/, never the live rules/ (the pricing
 * team's, checked by `quote rules test`). RULES_DIR is where every command, the service and
 * `loadRuleSet()` look when nobody names a directory; set here, in the process that starts jest's
 * workers, it reaches every test and every process a test starts. test/fixture-rules.test.ts
 * checks it.
 */
process.env.RULES_DIR = join(__dirname, 'test', 'fixtures', 'rules');

/** Tests run through @swc/jest (type-stripping only); `tsc --noEmit` in `npm test` does the typechecking. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 30000,
  /**
   * At least two suites at once: jest's default, one worker fewer than the cores, is a single
   * worker on a 2-core machine, while the slowest suites mostly wait on other processes (service
   * processes, Chromium, PostgreSQL). README "How the tests run" says why two cannot collide.
   */
  maxWorkers: Math.max(2, availableParallelism() - 1),
};
