// @ts-check
/**
 * The jest test sequencer of mutation runs (stryker.config.mjs): in a mutant's run, only the
 * files that hold a test reaching the mutant, those whose reaching tests took least time first
 * (the environment stops the run at the first failure, so a quick kill saves the rest). Stryker
 * runs a mutant's covering tests by name (`-t`) over every file that imports the mutated one,
 * and jest loads each of those files, with the pricing core and the rule set, even when it then
 * skips every test in it; the initial run recorded which file holds which test and how long it
 * took (mutation-environment.cjs). A file the initial run did not see is kept, last. Elsewhere
 * (the initial run), jest's own order.
 */
const { existsSync, readFileSync } = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;
const { ACTIVE_MUTANT, MUTATION_TEST_FILES } = require('./mutation-tests.cjs');

/** @type {Map<string, Array<{ name: string, ms: number }>> | undefined} tests by file, read once per process */
let testsByFile;

function recordedTests() {
  if (testsByFile === undefined && existsSync(MUTATION_TEST_FILES)) {
    testsByFile = new Map();
    for (const line of readFileSync(MUTATION_TEST_FILES, 'utf8').split('\n')) {
      if (!line) continue;
      const [file, name, ms] = JSON.parse(line);
      testsByFile.set(file, [...(testsByFile.get(file) ?? []), { name, ms }]);
    }
  }
  return testsByFile;
}

class MutationSequencer extends Sequencer {
  /** @param {import('@jest/test-sequencer').TestSequencerOptions} options */
  constructor(options) {
    super(options);
    this.testNamePattern = options.globalConfig.testNamePattern;
  }

  /** @param {Array<import('@jest/test-result').Test>} tests */
  async sort(tests) {
    const recorded = recordedTests();
    if (process.env[ACTIVE_MUTANT] === undefined || !this.testNamePattern || !recorded)
      return super.sort(tests);
    // jest matches the pattern against a test's full name the same way.
    const pattern = new RegExp(this.testNamePattern, 'i');
    /** @type {Map<string, number>} the files to run, by how long their reaching tests took */
    const cost = new Map();
    for (const test of tests) {
      const inFile = recorded.get(test.path);
      const reaching = inFile?.filter(({ name }) => pattern.test(name));
      if (reaching === undefined) cost.set(test.path, Number.MAX_SAFE_INTEGER);
      else if (reaching.length > 0)
        cost.set(
          test.path,
          reaching.reduce((total, { ms }) => total + ms, 0),
        );
    }
    return tests
      .filter((test) => cost.has(test.path))
      .sort((a, b) => (cost.get(a.path) ?? 0) - (cost.get(b.path) ?? 0));
  }
}

module.exports = MutationSequencer;
