import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runQuote } from '../support/cli';
import { compiledModule } from '../support/compiled-source';
import { copyRulesDir, editFile, FIXTURE_RULES_DIR } from '../support/rule-set-copy';
import { workedExample } from '../support/tariff-book';

const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'tariff-book');

/**
 * Runs `quote` in this process through the entry the bin calls (`runCli`), with the fixture rule
 * set. Each child process costs seconds of start-up, so only `the quote process` below starts
 * the real command: what the bin adds to `runCli` is its standard streams and its exit code.
 */
async function quote(args: string[]) {
  const { code, out, err } = await runQuote(...args);
  return { code, stdout: out, stderr: err };
}

/**
 * Runs the real `quote` command in a child process, as a user would, with the fixture rule set:
 * compiled JavaScript, as the bin is (test/support/compiled-source.ts).
 */
function quoteProcess(
  args: string[],
  input?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [compiledModule('cli/main'), ...args], {
    cwd: ROOT,
    env: { ...process.env, RULES_DIR: FIXTURE_RULES_DIR },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  if (input !== undefined) child.stdin!.end(input);
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

function writeRequest(request: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'gq-cli-')), 'request.json');
  writeFileSync(path, JSON.stringify(request));
  return path;
}

describe('quote price', () => {
  it('prints the quote as JSON with the contract fields, eligibility, hash and explanations', async () => {
    const { code, stdout } = await quote(['price', join(FIXTURES, 'ENT-0001.request.json')]);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout);
    const { expected } = workedExample('ENT-0001');
    expect(printed).toMatchObject({
      eligible: true,
      tier: expected.tier,
      totals: expected.totals,
      benefits: expected.benefits,
    });
    expect(printed.internal).toMatchObject(expected.internal);
    expect(printed.ruleSetHash).toMatch(/^[0-9a-f]{64}$/);
    expect(printed.explanations.items.LD_MIN[0].rule).toBe('long-distance-key');
  });

  it('prints an ineligible request as a result and exits 0', async () => {
    const request = { ...workedExample('ENT-0002').request, lines: 5 };
    const { code, stdout } = await quote(['price', writeRequest(request)]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      eligible: false,
      reasons: ['a group plan needs at least 10 lines'],
    });
  });

  it('exits 2 naming every bad field', async () => {
    const request = {
      ...workedExample('ENT-0002').request,
      lines: -3,
      usagePerLine: {
        ...(workedExample('ENT-0002').request.usagePerLine as object),
        dataGB: '12,5',
      },
    };
    const { code, stdout, stderr } = await quote(['price', writeRequest(request)]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/lines: must be at least 1/);
    expect(stderr).toMatch(/usagePerLine\.dataGB: must be a non-negative decimal string/);
    expect(stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  });

  it('exits 2 for a file that is not JSON or does not exist', async () => {
    expect(
      (await quote(['price', writeRequest('x').replace('request.json', 'missing.json')])).code,
    ).toBe(2);
    const path = writeRequest({});
    writeFileSync(path, '{ not json');
    const { code, stderr } = await quote(['price', path]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/not valid JSON/);
  });

  it('prints a table for a person with --format table', async () => {
    const { code, stdout } = await quote([
      'price',
      join(FIXTURES, 'ENT-0003.request.json'),
      '--format',
      'table',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^tier strategic · 800 lines · 36 months/);
    expect(stdout).toMatch(/HX-5G-LITE\s+one-time\s+500\s+999500\.00\s+999500\.00\s+0\.00/);
    expect(stdout).toMatch(/contractValue\s+3690000\.00/);
    expect(stdout).toMatch(/approval\s+finance-director/);
  });

  it('prices with another rule directory given by --rules', async () => {
    const dir = copyRulesDir();
    editFile(dir, 'long-distance.rules.json', (text) =>
      text.replace('"percent": "35"', '"percent": "40"'),
    );
    const { stdout } = await quote([
      'price',
      join(FIXTURES, 'ENT-0001.request.json'),
      '--rules',
      dir,
    ]);
    expect(
      JSON.parse(stdout).items.find((item: { code: string }) => item.code === 'LD_MIN').discount,
    ).toBe('864.00');
  });
});

describe('quote rules validate', () => {
  it('accepts the sample set', async () => {
    const { code, stdout } = await quote(['rules', 'validate']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ok: .*rules \(\d+ rules, hash [0-9a-f]{64}\)/);
  });

  it('prints each problem as file:line:column: path: message and exits 1', async () => {
    const dir = copyRulesDir();
    editFile(dir, 'ringback.rules.json', (text) => text.replace('"percent-off"', '"percent-of"'));
    editFile(dir, 'line-fee.rules.json', (text) => text.replace('"value": "20"', '"value": 20'));
    const { code, stdout } = await quote(['rules', 'validate', dir]);
    expect(code).toBe(1);
    expect(stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^line-fee\.rules\.json:11:82: rules\.0\.conditions\.all\.0\.value: decimalGreaterThanInclusive needs a decimal string/,
      ),
      expect.stringMatching(
        /^ringback\.rules\.json:15:26: rules\.0\.event\.type: unknown component "percent-of"/,
      ),
    ]);
  });

  it('prints what the verifier finds, with a witness, and exits 1 on an error', async () => {
    const dir = copyRulesDir();
    editFile(dir, 'overdraft.rules.json', (text) =>
      text.replace('"value": "AA" }', '"value": "AAA" }'),
    );
    const { code, stdout, stderr } = await quote(['rules', 'validate', dir]);
    expect(code).toBe(1);
    expect(stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^overdraft\.rules\.json:\d+:\d+: error: two rules that decide overdraft-multiple can fire for the same request.* \(rules overdraft-aaa, overdraft-aa\)$/,
      ),
      '  witness: {"enterprise":{"creditRating":"AAA"}}',
    ]);
    expect(stderr).toMatch(/1 error\(s\), 0 warning\(s\)/);
  });

  it('exits 0 on warnings alone, counting them', async () => {
    const dir = copyRulesDir();
    editFile(dir, 'long-distance.rules.json', (text) =>
      text.replace('"percent": "35"', '"percent": "0.35"'),
    );
    const { code, stdout } = await quote(['rules', 'validate', dir]);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^long-distance\.rules\.json:\d+:\d+: warning: percent "0\.35" looks like a fraction/,
      ),
      expect.stringMatching(/^ok: .* \(\d+ rules, hash [0-9a-f]{64}, 1 warning\(s\)\)$/),
    ]);
  });
});

describe('the quote process', () => {
  // Started together, not one after another: each spends seconds starting.
  const processes = () => ({
    stdin: quoteProcess(['price', '-'], JSON.stringify(workedExample('ENT-0002').request)),
    badUsage: quoteProcess(['price', '--bogus']),
    help: quoteProcess(['--help']),
  });
  let runs: ReturnType<typeof processes>;
  beforeAll(() => {
    runs = processes();
  });

  it('reads the request from its standard input with -, prints the quote and exits 0', async () => {
    const { code, stdout } = await runs.stdin;
    expect(code).toBe(0);
    expect(JSON.parse(stdout).totals.contractValue).toBe('20415.60');
  });

  it('exits 2 on bad usage, with the usage on stderr and no stack trace', async () => {
    const results = [
      await runs.badUsage,
      ...(await Promise.all(
        [
          ['price', '--bogus'],
          ['render', '--bogus'],
          ['rules', 'schema', 'x'],
        ].map((argv) => quote(argv)),
      )),
    ];
    for (const { code, stdout, stderr } of results) {
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^error: /);
      expect(stderr).toMatch(/^Usage: quote /m);
      expect(stderr).not.toMatch(/\bat .*\.[jt]s:\d+/);
    }
  });

  it('prints its usage with --help and exits 0', async () => {
    const { code, stdout, stderr } = await runs.help;
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: quote \[options\] \[command\]/);
  });
});
