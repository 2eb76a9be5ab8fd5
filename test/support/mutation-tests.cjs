// @ts-check
/** What the mutation-testing environment and sequencer share (stryker.config.mjs). */
const { join } = require('node:path');

module.exports = {
  /** Set by Stryker's runner in its process for the length of one mutant's run. */
  ACTIVE_MUTANT: '__STRYKER_ACTIVE_MUTANT__',
  /**
   * Each test of the initial run as a JSON line `[file, full name, milliseconds]`, in the sandbox Stryker runs
   * in (the working directory of its test runners), which is new for every Stryker run.
   */
  MUTATION_TEST_FILES: join(process.cwd(), '.mutation-test-files.jsonl'),
};
