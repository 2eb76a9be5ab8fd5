/** `quote headroom`: the deal desk's table, JSON, and the exit codes of the convention. */
import { join } from 'node:path';
import { runQuote } from '../support/cli';

const FIXTURES = join(__dirname, '..', 'fixtures', 'tariff-book');

describe('quote headroom', () => {
  it('prints each item with the extra percent that keeps the level and where the next starts', async () => {
    const { code, out } = await runQuote('headroom', join(FIXTURES, 'ENT-0003.request.json'));
    expect(code).toBe(0);
    expect(out).toMatch(/^approval now: finance-director/);
    expect(out).toMatch(/^LINE_FEE\s+\d+(\.\d+)?\s+\d+(\.\d+)?$/m);
    expect(out).toMatch(/^GROUP_MIN\s+100\s+—$/m);
  });

  it('prints the same as JSON', async () => {
    const { code, out } = await runQuote(
      'headroom',
      join(FIXTURES, 'ENT-0003.request.json'),
      '--json',
    );
    expect(code).toBe(0);
    const room = JSON.parse(out);
    expect(room.level).toBe('finance-director');
    const lineFee = room.items.find((item: { item: string }) => item.item === 'LINE_FEE');
    expect(lineFee.reaches).toEqual([{ level: 'rejected', fromPercent: expect.any(String) }]);
  });

  it('exits 2 on an invalid request and on bad usage', async () => {
    expect((await runQuote('headroom')).code).toBe(2);
    expect(
      (await runQuote('headroom', join(FIXTURES, 'ENT-0003.request.json'), '--bogus')).code,
    ).toBe(2);
    expect((await runQuote('headroom', join(FIXTURES, 'missing.json'))).code).toBe(2);
  });
});
