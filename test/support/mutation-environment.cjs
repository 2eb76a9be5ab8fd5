// @ts-check
/**
 * The jest environment of mutation runs (stryker.config.mjs; README "Mutation testing"): node's,
 * plus two things that make a mutant's run cheap.
 * - A mutant's run stops at its first failing test. Jest's programmatic API cannot bail, so
 *   without this a mutant that the first test kills still ran every other test that reaches it;
 *   the rest are now skipped, and the mutant counts as killed by the test that failed.
 * - The initial run records which file holds each test and how long it took
 *   (MUTATION_TEST_FILES), so that a mutant's run loads only the files holding the tests that
 *   reach it, the quickest first (mutation-sequencer.cjs).
 * Plain CommonJS: Stryker loads the environment with `require`, outside jest's transform.
 */
const { appendFileSync } = require('node:fs');
const { TestEnvironment } = require('jest-environment-node');
const { ACTIVE_MUTANT, MUTATION_TEST_FILES } = require('./mutation-tests.cjs');

/** The mutant whose run has already failed a test (one runner process runs one mutant at a time). */
let failedMutant;

/**
 * A test's name as jest's `-t` pattern (and so Stryker) sees it: its describe blocks' names and
 * its own, joined by spaces.
 * @param {import('jest-circus').Circus.TestEntry} test
 */
function fullName(test) {
  const names = [test.name];
  for (let block = test.parent; block.parent; block = block.parent) names.unshift(block.name);
  return names.join(' ');
}

class MutationEnvironment extends TestEnvironment {
  /**
   * @param {import('@jest/environment').JestEnvironmentConfig} config
   * @param {import('@jest/environment').EnvironmentContext} context
   */
  constructor(config, context) {
    super(config, context);
    const testPath = context.testPath;
    // Stryker's wrapper calls handleTestEvent unbound, so it reads no `this`.
    this.handleTestEvent = async (event) => {
      const mutant = process.env[ACTIVE_MUTANT];
      if (mutant === undefined) {
        if (event.name === 'test_done') {
          const record = [testPath, fullName(event.test), event.test.duration ?? 0];
          appendFileSync(MUTATION_TEST_FILES, `${JSON.stringify(record)}\n`);
        }
        return;
      }
      if (event.name === 'test_start' && failedMutant === mutant) event.test.mode = 'skip';
      else if (event.name === 'test_done' && event.test.errors.length > 0) failedMutant = mutant;
    };
  }
}

module.exports = MutationEnvironment;
