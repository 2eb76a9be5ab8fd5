import { AppError } from '../../src/errors';
import { priceQuote } from '../../src/pricing/price';
import {
  compileRuleSet,
  ruleSetHash,
  type Problem,
  type RuleSetSnapshot,
} from '../../src/rules/compile';
import { ruleFileSchema } from '../../src/rules/files';
import { loadRuleSet, validateRuleSetDir } from '../../src/rules/load';
import {
  copyRulesDir,
  editFile,
  FIXTURE_RULES_DIR,
  fixtureRuleSet,
  sampleSnapshot,
  structuralWordsLeftOut,
} from '../support/rule-set-copy';
import { workedExample } from '../support/tariff-book';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function problemsAfter(edit: (files: Json) => void): Problem[] {
  const snapshot = sampleSnapshot();
  edit(snapshot.files as Json);
  const result = compileRuleSet(snapshot);
  if (result.ok) throw new Error('expected the edited rule set to be rejected');
  return structuralWordsLeftOut(result.problems);
}

const firstCondition = (files: Json, file: string, rule = 0) =>
  files[file].rules[rule].conditions.all[0];

describe('the sample rule set (the frozen fixture)', () => {
  it('loads with no problems', () => {
    expect(validateRuleSetDir(FIXTURE_RULES_DIR)).toEqual([]);
  });

  it('is accepted by the schemas its JSON Schema is generated from', () => {
    for (const [name, content] of Object.entries(sampleSnapshot().files)) {
      if (name.endsWith('.rules.json'))
        expect(ruleFileSchema.safeParse(content).error).toBeUndefined();
    }
  });
});

describe('a broken rule file gets its own clear message', () => {
  it('bad JSON names the file', () => {
    const dir = copyRulesDir();
    editFile(dir, 'long-distance.rules.json', (text) => text.replace('"rules": [', '"rules": [,'));
    expect(validateRuleSetDir(dir)).toEqual([
      {
        file: 'long-distance.rules.json',
        path: '',
        code: 'invalid-json',
        message: expect.stringMatching(/^not valid JSON/),
      },
    ]);
  });

  it('an unknown operator names the decimal one to use', () => {
    const problems = problemsAfter((files) => {
      firstCondition(files, 'line-fee.rules.json').operator = 'greaterThanInclusive';
    });
    expect(problems).toEqual([
      {
        file: 'line-fee.rules.json',
        path: 'rules.0.conditions.all.0.operator',
        code: 'unknown-operator',
        message: expect.stringContaining('decimalGreaterThanInclusive'),
      },
    ]);
  });

  it.each([
    ['a JSON number', 20],
    ['a comma decimal', '1,000'],
    ['text', 'twenty'],
  ])('a non-decimal value (%s) for a decimal operator', (_case, value) => {
    const problems = problemsAfter((files) => {
      firstCondition(files, 'line-fee.rules.json').value = value;
    });
    expect(problems).toEqual([
      {
        file: 'line-fee.rules.json',
        path: 'rules.0.conditions.all.0.value',
        code: 'invalid-value',
        message: expect.stringMatching(/needs a decimal string/),
      },
    ]);
  });

  it('an unknown fact lists the known ones', () => {
    const problems = problemsAfter((files) => {
      firstCondition(files, 'line-fee.rules.json').fact = 'linez';
    });
    expect(problems).toEqual([
      {
        file: 'line-fee.rules.json',
        path: 'rules.0.conditions.all.0.fact',
        code: 'unknown-fact',
        message: expect.stringMatching(/unknown fact "linez".*lines/),
      },
    ]);
  });

  it('an unknown path into an object fact', () => {
    const problems = problemsAfter((files) => {
      files['overdraft.rules.json'].rules[1].conditions.all[0].path = '$.rating';
    });
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'unknown-path',
        path: 'rules.1.conditions.all.0.path',
        message: expect.stringContaining('creditRating'),
      }),
    ]);
  });

  it('an enum value that does not exist', () => {
    const problems = problemsAfter((files) => {
      files['overdraft.rules.json'].rules[1].conditions.all[0].value = 'AAAA';
    });
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'invalid-value',
        message: expect.stringContaining('AAA, AA, A'),
      }),
    ]);
  });

  it('comparing a decimal with equal', () => {
    const problems = problemsAfter((files) => {
      files['approval.rules.json'].rules[0].conditions.all[0].operator = 'equal';
    });
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'invalid-operator',
        message: expect.stringContaining('decimalEqual'),
      }),
    ]);
  });

  it('an unknown component code', () => {
    const problems = problemsAfter((files) => {
      files['long-distance.rules.json'].rules[1].event.type = 'percent-of';
    });
    expect(problems).toEqual([
      {
        file: 'long-distance.rules.json',
        path: 'rules.1.event.type',
        code: 'unknown-component',
        message: expect.stringMatching(/unknown component "percent-of".*percent-off/),
      },
    ]);
  });

  it('an unknown item code in params', () => {
    const problems = problemsAfter((files) => {
      files['long-distance.rules.json'].rules[1].event.params.item = 'LD_MINS';
    });
    expect(problems).toEqual([
      expect.objectContaining({ code: 'unknown-item', path: 'rules.1.event.params.item' }),
    ]);
  });

  it('invalid params of a component', () => {
    const problems = problemsAfter((files) => {
      files['long-distance.rules.json'].rules[1].event.params.percent = '35%';
    });
    expect(problems).toEqual([
      expect.objectContaining({ code: 'invalid-params', path: 'rules.1.event.params.percent' }),
    ]);
  });

  it('an unknown tier', () => {
    const problems = problemsAfter((files) => {
      files['tiers.rules.json'].rules[0].event.params.tier = 'platinum';
    });
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'unknown-tier',
        message: expect.stringContaining('strategic, key, standard'),
      }),
    ]);
  });

  it('a rule that would read the tier before it is set', () => {
    const problems = problemsAfter((files) => {
      files['long-distance.rules.json'].rules[1].priority = 250;
    });
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'priority-order',
        message: expect.stringMatching(/long-distance-key \(priority 250\) reads "tier".*tier-key/),
      }),
      expect.objectContaining({
        code: 'priority-order',
        message: expect.stringMatching(/tier-standard/),
      }),
    ]);
  });

  it('a duplicate rule name', () => {
    const problems = problemsAfter((files) => {
      files['long-distance.rules.json'].rules[0].name = 'long-distance-key';
    });
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'duplicate',
        message: expect.stringContaining('long-distance-key'),
      }),
    ]);
  });

  it('a priced item without a cost', () => {
    const problems = problemsAfter((files) => {
      delete files['costs.json'].unitCosts.SMS;
    });
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'costs.json',
        code: 'missing-cost',
        message: expect.stringContaining('SMS'),
      }),
    ]);
  });

  it('reports problems in several files in one pass', () => {
    const problems = problemsAfter((files) => {
      firstCondition(files, 'line-fee.rules.json').operator = 'gte';
      files['handsets.rules.json'].rules[0].event.type = 'gift';
    });
    expect(problems.map((problem) => problem.file).sort()).toEqual([
      'handsets.rules.json',
      'line-fee.rules.json',
    ]);
  });

  it('structure is judged by the file schemas, each problem at its place', () => {
    const problems = problemsAfter((files) => {
      const rule = files['line-fee.rules.json'].rules[0];
      rule.colour = 'red';
      delete rule.conditions.all[0].value;
      files['group-calls.rules.json'].rules[0].conditions = {
        fact: 'lines',
        operator: 'equal',
        value: 1,
      };
      files['ringback.rules.json'].rules[0].event = {
        type: 'approval-level',
        params: { level: 'auto' },
      };
    });
    expect(problems).toEqual([
      {
        file: 'group-calls.rules.json',
        path: 'rules.0.conditions',
        code: 'invalid-condition',
        message: expect.stringMatching(/^the top of "conditions" must be/),
      },
      {
        file: 'line-fee.rules.json',
        path: 'rules.0.conditions.all.0.value',
        code: 'invalid-condition',
        message: 'a condition needs a "value" to compare with',
      },
      {
        file: 'line-fee.rules.json',
        path: 'rules.0.colour',
        code: 'schema',
        message: 'unknown key "colour"',
      },
      {
        file: 'ringback.rules.json',
        path: 'rules.0.event.type',
        code: 'wrong-phase',
        message: 'approval-level belongs in a rule file of phase "approval", this file is "offer"',
      },
    ]);
  });

  it('throws one rule-set error carrying every problem when loading', () => {
    const dir = copyRulesDir();
    editFile(dir, 'line-fee.rules.json', (text) => text.replace('"decimalLessThan"', '"lessThan"'));
    expect(() => loadRuleSet(dir)).toThrow(AppError);
    expect(() => loadRuleSet(dir)).toThrow(
      /line-fee.rules.json: rules.0.conditions.all.1.operator: unknown operator "lessThan"/,
    );
  });
});

describe('rules are data', () => {
  it('changing the key-tier long-distance discount from 35 % to 40 % is a one-line edit', async () => {
    const dir = copyRulesDir();
    editFile(dir, 'long-distance.rules.json', (text) =>
      text.replace('"item": "LD_MIN", "percent": "35"', '"item": "LD_MIN", "percent": "40"'),
    );
    const edited = loadRuleSet(dir);
    const quote = await priceQuote(edited, workedExample('ENT-0001').request);
    const original = await priceQuote(fixtureRuleSet(), workedExample('ENT-0001').request);
    if (!quote.eligible || !original.eligible) throw new Error('expected both to price');
    expect(quote.items.find((item) => item.code === 'LD_MIN')).toMatchObject({
      list: '2160.00',
      discount: '864.00',
      net: '1296.00',
    });
    expect(quote.totals.monthlyNet).toBe('13020.00');
    expect(quote.ruleSetHash).not.toBe(original.ruleSetHash);
  });

  it('a contradiction the files allow is reported at evaluation, naming both rules', async () => {
    const snapshot = sampleSnapshot();
    const files = snapshot.files as Json;
    files['tiers.rules.json'].rules[1].conditions.all.shift(); // tier-key no longer waits for "no tier yet"
    const result = compileRuleSet(snapshot);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    await expect(priceQuote(result.ruleSet, workedExample('ENT-0003').request)).rejects.toThrow(
      /tier-strategic and tier-key both decide tier/,
    );
  });
});

describe('rule-set identity', () => {
  it('is the sha256 of the canonical JSON: key order and $schema do not change it', () => {
    const snapshot = sampleSnapshot();
    const reordered: RuleSetSnapshot = {
      files: Object.fromEntries(Object.entries(snapshot.files).reverse()),
    };
    expect(ruleSetHash(reordered)).toBe(ruleSetHash(snapshot));
    expect(fixtureRuleSet().hash).toBe(ruleSetHash(snapshot));
  });

  it('changes with any figure', () => {
    const snapshot = sampleSnapshot();
    (snapshot.files as Json)['costs.json'].unitCosts.SMS = '0.011';
    expect(ruleSetHash(snapshot)).not.toBe(ruleSetHash(sampleSnapshot()));
  });
});
