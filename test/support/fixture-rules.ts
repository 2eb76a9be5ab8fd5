/**
 * The frozen rule set the code's tests price with: `test/fixtures/rules/`, a copy of the sample
 * tariff in `rules/` taken when the tests were written. The pricing team edits `rules/` and checks
 * it with `quote rules test`; a change there must not turn a code test red, so no code test reads
 * it. jest.config.js points RULES_DIR here for every test and every process a test starts.
 */
import { join } from 'node:path';

export const FIXTURE_RULES_DIR = join(__dirname, '..', 'fixtures', 'rules');
