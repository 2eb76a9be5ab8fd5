import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const EXAMPLE_IDS = ['ENT-0001', 'ENT-0002', 'ENT-0003'] as const;
const FIXTURES = join(__dirname, '..', 'fixtures', 'tariff-book');

/** A worked example of the tariff book (§10): the request and the figures it must produce to the fen. */
export function workedExample(id: (typeof EXAMPLE_IDS)[number]) {
  const read = (suffix: string) =>
    JSON.parse(readFileSync(join(FIXTURES, `${id}.${suffix}.json`), 'utf8'));
  return {
    request: read('request') as Record<string, unknown>,
    expected: read('expected') as {
      tier: string;
      items: Record<string, string>[];
      totals: Record<string, string>;
      benefits: Record<string, string>;
      internal: Record<string, string>;
    },
  };
}
