/**
 * One usage convention for every `quote` command: commander's usage on a call it cannot parse,
 * exit 2, nothing on standard output and no stack trace; `--help` and `help` print the usage on
 * standard output, exit 0. None of these calls reaches a file, a rule set or a database.
 */
import { runQuote } from '../support/cli';

const quote = runQuote;

describe('bad usage exits 2 with the usage on stderr', () => {
  it.each([
    [[], /^Usage: quote \[options\] \[command\]/m],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['price'], /missing required argument 'request'/],
    [['price', 'request.json', '--bogus'], /unknown option '--bogus'/],
    [['price', 'request.json', '--format', 'xml'], /'--format <format>' argument 'xml' is invalid/],
    [['price', 'request.json', '--rules'], /'--rules <dir>' argument missing/],
    [['price', 'one.json', 'two.json'], /too many arguments/],
    [['render', 'request.json', '--out', 'x.pdf', '--bogus'], /unknown option '--bogus'/],
    [['render', 'request.json'], /required option '-o, --out <file.pdf>' not specified/],
    [['render', '--out', 'x.pdf'], /missing required argument 'request'/],
    [['render', 'request.json', '-o', 'x.pdf', '--manager', ' '], /--manager.*must not be empty/],
    [['rules'], /^Usage: quote rules/m],
    [['rules', 'lint'], /unknown command 'lint'/],
    [['rules', 'validate', 'one', 'two'], /too many arguments/],
    [['rules', 'schema', '--bogus'], /unknown option '--bogus'/],
    [['rules', 'test', 'one', 'two'], /too many arguments/],
    [['rules', 'coverage', '--bogus'], /unknown option '--bogus'/],
    [['rules', 'coverage', '--quotes', '--cases', 'x'], /cannot be used with option/],
    [['users'], /^Usage: quote users/m],
    [['users', 'remove'], /unknown command 'remove'/],
    [['users', 'add', '--name'], /'--name <name>' argument missing/],
    [['users', 'add', '--name', 'x', '--role', 'admin', '--bogus'], /unknown option '--bogus'/],
    [['users', 'add', '--name', ' ', '--role', 'admin'], /--name: is required/],
    [['audit'], /^Usage: quote audit/m],
    [['audit', 'check'], /unknown command 'check'/],
    [['audit', 'verify', '--bogus'], /unknown option '--bogus'/],
  ])('quote %j', async (argv, problem) => {
    const result = await quote(...argv);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(problem);
    expect(result.err).toMatch(/^Usage: quote/m);
    expect(result.err).not.toMatch(/\bat .*\.[jt]s:\d+/); // no stack trace
  });
});

describe('--help', () => {
  it('lists every command, the exit codes and RULES_DIR, on stdout with exit 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const result = await quote(...argv);
      expect(result).toMatchObject({ code: 0, err: '' });
      expect(result.out).toMatch(/^Usage: quote \[options\] \[command\]/);
      for (const command of ['price', 'render', 'rules', 'users', 'audit']) {
        expect(result.out).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
      }
      expect(result.out).toMatch(/Exit codes: 0 done .* 1 failed or refused,\s+2 bad usage/);
      expect(result.out).toContain('RULES_DIR');
    }
  });

  it.each([
    [['price', '--help'], /^Usage: quote price \[options\] <request>/, '--format <format>'],
    [['help', 'render'], /^Usage: quote render \[options\] <request>/, '--deal-sheet'],
    [['rules', '--help'], /^Usage: quote rules/, 'validate [dir]'],
    [['rules', 'schema', '--help'], /^Usage: quote rules schema/, '--check'],
    [['rules', '--help'], /^Usage: quote rules/, 'coverage [options] [dir]'],
    [['rules', 'test', '--help'], /^Usage: quote rules test \[options\] \[dir\]/, '--cases <dir>'],
    [['rules', 'coverage', '--help'], /^Usage: quote rules coverage/, 'GROUPQUOTE_DB'],
    [['users', 'add', '--help'], /^Usage: quote users add/, 'GROUPQUOTE_DB'],
    [['audit', 'verify', '--help'], /^Usage: quote audit verify/, '--json'],
  ])('quote %j prints that usage and exits 0', async (argv, usage, mentions) => {
    const result = await quote(...argv);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(usage);
    expect(result.out).toContain(mentions);
  });
});
