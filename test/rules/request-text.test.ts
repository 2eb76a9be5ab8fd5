/**
 * A count written with a fraction or an exponent is refused from the request's text: JSON.parse
 * would read `120.00000000000000001` and `1.2e2` as 120, a figure the request does not state.
 */
import { AppError } from '../../src/errors';
import { inexactNumberIssues, parseQuoteRequest } from '../../src/rules/request';
import { fixtureRuleSet } from '../support/rule-set-copy';
import { workedExample } from '../support/tariff-book';

const ruleSet = fixtureRuleSet();

function issuesFor(text: string) {
  try {
    parseQuoteRequest(ruleSet.requestSchema, JSON.parse(text), text);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).details.issues;
  }
  throw new Error('expected the request to be refused');
}

const example = JSON.stringify(workedExample('ENT-0001').request);

describe('numbers in a request are whole numbers written as digits', () => {
  it.each([
    ['"lines":120', '"lines":120.00000000000000001', 'lines', '120.00000000000000001'],
    ['"lines":120', '"lines":1.2e2', 'lines', '1.2e2'],
    [
      '"termMonths":24',
      '"termMonths":24.0000000000000000001',
      'termMonths',
      '24.0000000000000000001',
    ],
    ['"quantity":20', '"quantity":20.0', 'handsets.0.quantity', '20.0'],
  ])('%s written as %s is refused at %s', (plain, written, path, literal) => {
    expect(example).toContain(plain);
    expect(issuesFor(example.replace(plain, written))).toMatchObject([
      { path, message: expect.stringContaining(`(got ${literal})`) },
    ]);
  });

  it('leaves the schema’s own word where it refuses the field already', () => {
    const text = example.replace('"dataGB":"8.5"', '"dataGB":8.5');
    expect(issuesFor(text)).toMatchObject([
      { path: 'usagePerLine.dataGB', message: 'must be a decimal string such as "12.5"' },
    ]);
  });

  it('accepts the request as written, and finds nothing in plain integers', () => {
    expect(parseQuoteRequest(ruleSet.requestSchema, JSON.parse(example), example).lines).toBe(120);
    expect(inexactNumberIssues('{"a": [0, -1, 15], "b": {"c": 120}}')).toEqual([]);
  });
});

describe('names and ids are text a proposal can print', () => {
  it.each([
    ['a NUL', 'enterprise.name', '华信\u0000物流', /control character, U\+0000, at position 3/],
    ['a bidi override', 'enterprise.name', 'Acme \u202Egnp.exe', /bidirectional control, U\+202E/],
    ['a lone surrogate', 'enterprise.id', 'ENT-\ud800', /unpaired surrogate, U\+D800/],
    ['a control character', 'enterprise.id', 'ENT\u00070001', /control character, U\+0007/],
  ])('%s in %s is refused, naming it', (_what, path, value, message) => {
    const request = JSON.parse(example);
    const field = path.split('.')[1] as 'name' | 'id';
    request.enterprise[field] = value;
    expect(issuesFor(JSON.stringify(request))).toEqual([
      {
        path,
        message: expect.stringMatching(message),
        text: {
          key: 'issues.unsafeText',
          params: expect.objectContaining({ codePoint: expect.any(String) }),
        },
      },
    ]);
  });

  it('keeps any script, emoji and the ordinary direction marks', () => {
    const request = JSON.parse(example);
    request.enterprise.name = 'شركة 𠮷野家 🚀 \u200Fالمحدودة';
    const text = JSON.stringify(request);
    expect(parseQuoteRequest(ruleSet.requestSchema, request, text).enterprise.name).toBe(
      request.enterprise.name,
    );
  });
});

describe('a body nested deeper than any request', () => {
  it('is refused by the schema, and the number check does not overflow the stack', () => {
    const text = '['.repeat(60_000) + '1.5' + ']'.repeat(60_000);
    expect(inexactNumberIssues(text)).toEqual([]);
    expect(issuesFor(text)).toMatchObject([
      { path: '(request)', message: 'must be a JSON object' },
    ]);
  });
});
