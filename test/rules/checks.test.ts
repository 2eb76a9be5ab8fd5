/**
 * What loading a rule set checks, problem by problem, each with its file, place, code and
 * message exactly: a check that stopped reporting, reported at the wrong place or said the wrong
 * thing fails here. Structure is the file schemas' (src/rules/problems.ts turns zod's issues
 * into problems); the rest is src/rules/compile.ts and src/rules/checks/.
 */
import { compileRuleSet, type Problem } from '../../src/rules/compile';
import { checkEvent } from '../../src/rules/checks/events';
import { componentFor, listComponentCodes, isComponentCode } from '../../src/rules/components';
import type { RuleEvent } from '../../src/rules/files';
import { sampleSnapshot, structuralWordsLeftOut } from '../support/rule-set-copy';
import { workedExample } from '../support/tariff-book';
import { priceQuote } from '../../src/pricing/price';
import { AppError } from '../../src/errors';
import { issueMessage } from '../../src/messages/messages';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function problemsAfter(edit: (files: Json) => void): Problem[] {
  const snapshot = sampleSnapshot();
  edit(snapshot.files as Json);
  const result = compileRuleSet(snapshot);
  if (result.ok) throw new Error('expected the edited rule set to be refused');
  return structuralWordsLeftOut(result.problems);
}

const condition = (files: Json, file: string, rule: number, index = 0): Json =>
  files[file].rules[rule].conditions.all[index];

const ENTERPRISE_FIELDS = 'id, name, industry, creditRating, purchasing, annualSpend';
const RATINGS = 'AAA, AA, A, BBB, BB, B, C';

describe('the files of a rule set', () => {
  it('names a file that is not part of one, and each file that is missing', () => {
    expect(
      problemsAfter((files) => {
        files['notes.txt'] = 'hello';
        delete files['tariff.json'];
        delete files['prices.json'];
        delete files['costs.json'];
      }),
    ).toEqual([
      {
        file: 'costs.json',
        path: '',
        code: 'missing-file',
        message: 'costs.json is missing from the rule set',
      },
      {
        file: 'notes.txt',
        path: '',
        code: 'unknown-file',
        message:
          'not part of a rule set: expected tariff.json, prices.json, costs.json or *.rules.json',
      },
      {
        file: 'prices.json',
        path: '',
        code: 'missing-file',
        message: 'prices.json is missing from the rule set',
      },
      {
        file: 'tariff.json',
        path: '',
        code: 'missing-file',
        message: 'tariff.json is missing from the rule set',
      },
    ]);
  });

  it('needs at least one rule file', () => {
    expect(
      problemsAfter((files) => {
        for (const name of Object.keys(files)) if (name.endsWith('.rules.json')) delete files[name];
      }),
    ).toEqual([
      {
        file: '*.rules.json',
        path: '',
        code: 'missing-file',
        message: 'a rule set needs at least one rule file',
      },
    ]);
  });

  it('lists problems file by file, whatever order the checks found them in', () => {
    const files = (edit: (files: Json) => void) => problemsAfter(edit).map((p) => p.file);
    expect(
      files((files) => {
        files['tariff.json'].currency = 'USD';
        files['costs.json'].unitCosts.SMS = 'free';
        files['prices.json'].items[0].kind = 'monthly';
        files['approval.rules.json'].phase = 'later';
      }),
    ).toEqual(['approval.rules.json', 'costs.json', 'prices.json', 'tariff.json']);
  });

  it('checks every rule file even when another file is missing, sorted by file', () => {
    expect(
      problemsAfter((files) => {
        delete files['costs.json'];
        files['tiers.rules.json'].rules[0].priority = 'high';
        files['approval.rules.json'].phase = 'later';
      }),
    ).toEqual([
      {
        file: 'approval.rules.json',
        path: 'phase',
        code: 'schema',
        message: expect.stringMatching(/offer.*approval/),
      },
      {
        file: 'costs.json',
        path: '',
        code: 'missing-file',
        message: 'costs.json is missing from the rule set',
      },
      {
        file: 'tiers.rules.json',
        path: 'rules.0.priority',
        code: 'schema',
        message: 'must be a whole number ≥ 1 (higher runs first)',
      },
    ]);
  });

  it('says what a field must be, and that a missing one is required', () => {
    expect(
      problemsAfter((files) => {
        delete files['tariff.json'].name;
        files['tariff.json'].validityDays = '30';
        files['tariff.json'].contractTerms = 12;
        files['tariff.json'].options[0].required = 'yes';
        files['tariff.json'].version = 2026;
        files['tariff.json'].tiers[0].names = 'Strategic';
        files['loyalty.rules.json'] = [];
      }),
    ).toEqual([
      {
        file: 'loyalty.rules.json',
        path: '',
        code: 'schema',
        message: 'a rule file must be a JSON object with "phase" and "rules"',
      },
      { file: 'tariff.json', path: 'name', code: 'schema', message: 'is required' },
      { file: 'tariff.json', path: 'version', code: 'schema', message: 'must be text' },
      { file: 'tariff.json', path: 'contractTerms', code: 'schema', message: 'must be an array' },
      { file: 'tariff.json', path: 'validityDays', code: 'schema', message: 'must be a number' },
      { file: 'tariff.json', path: 'tiers.0.names', code: 'schema', message: 'must be an object' },
      {
        file: 'tariff.json',
        path: 'options.0.required',
        code: 'schema',
        message: 'must be true or false',
      },
    ]);
  });

  it('places each unknown key at the key itself', () => {
    expect(
      problemsAfter((files) => {
        Object.assign(files['line-fee.rules.json'].rules[0], { colour: 'red', size: 'L' });
      }),
    ).toEqual([
      {
        file: 'line-fee.rules.json',
        path: 'rules.0.colour',
        code: 'schema',
        message: 'unknown key "colour"',
      },
      {
        file: 'line-fee.rules.json',
        path: 'rules.0.size',
        code: 'schema',
        message: 'unknown key "size"',
      },
    ]);
  });

  it('shows the fix for a decimal written as a JSON number, naming the field', () => {
    expect(
      problemsAfter((files) => {
        files['long-distance.rules.json'].rules[1].event.params.percent = 35;
        files['costs.json'].unitCosts.SMS = 0.01;
      }),
    ).toEqual([
      {
        file: 'costs.json',
        path: 'unitCosts.SMS',
        code: 'schema',
        message: 'a decimal is a string in quotes: write "SMS": "0.01", not "SMS": 0.01',
      },
      {
        file: 'long-distance.rules.json',
        path: 'rules.1.event.params.percent',
        code: 'invalid-params',
        message:
          'percent-off: a decimal is a string in quotes: write "percent": "35", not "percent": 35',
      },
    ]);
  });

  it('says text is text even where a decimal string is wanted, and fixes a number keyed by digits or ending in them', () => {
    expect(
      problemsAfter((files) => {
        files['long-distance.rules.json'].rules[1].event.params.percent = true;
        files['eligibility.rules.json'].rules[0].event.params.reason = 5;
        files['costs.json'].unitCosts['123'] = 0.5;
        files['costs.json'].unitCosts.SMS2 = 0.25;
      }),
    ).toEqual([
      {
        file: 'costs.json',
        path: 'unitCosts.123',
        code: 'schema',
        message: 'a decimal is a string in quotes: write "123": "0.5", not "123": 0.5',
      },
      {
        file: 'costs.json',
        path: 'unitCosts.SMS2',
        code: 'schema',
        message: 'a decimal is a string in quotes: write "SMS2": "0.25", not "SMS2": 0.25',
      },
      {
        file: 'eligibility.rules.json',
        path: 'rules.0.event.params.reason',
        code: 'invalid-params',
        message: 'refuse: must be text',
      },
      {
        file: 'long-distance.rules.json',
        path: 'rules.1.event.params.percent',
        code: 'invalid-params',
        message: 'percent-off: must be text',
      },
    ]);
  });

  it('calls a bad operator an unknown operator and any other condition flaw an invalid condition', () => {
    expect(
      problemsAfter((files) => {
        condition(files, 'line-fee.rules.json', 0).operator = 'gte';
        condition(files, 'line-fee.rules.json', 1).path = 7;
      }),
    ).toEqual([
      {
        file: 'line-fee.rules.json',
        path: 'rules.0.conditions.all.0.operator',
        code: 'unknown-operator',
        message: expect.stringContaining('"gte"'),
      },
      {
        file: 'line-fee.rules.json',
        path: 'rules.1.conditions.all.0.path',
        code: 'invalid-condition',
        message: 'must be a dot path such as "$.creditRating"',
      },
    ]);
  });
});

describe('the price list (§4, §5)', () => {
  it('names an unknown VAT class, a missing cost, a cost of no item and a code used twice', () => {
    expect(
      problemsAfter((files) => {
        files['prices.json'].items[4].vatClass = 'luxury';
        files['costs.json'].unitCosts.FAX = '1.00';
        delete files['costs.json'].unitCosts.CRBT;
        files['prices.json'].items[5].code = 'LD_MIN';
      }),
    ).toEqual([
      {
        file: 'costs.json',
        path: 'unitCosts',
        code: 'missing-cost',
        message: 'no unit cost for CRBT: every priced item needs a cost (§5)',
      },
      {
        file: 'costs.json',
        path: 'unitCosts.DATA_GB',
        code: 'unknown-item',
        message: 'DATA_GB is not in prices.json',
      },
      {
        file: 'costs.json',
        path: 'unitCosts.FAX',
        code: 'unknown-item',
        message: 'FAX is not in prices.json',
      },
      {
        file: 'prices.json',
        path: 'items.5',
        code: 'duplicate',
        message: 'item code "LD_MIN" is defined twice',
      },
      {
        file: 'prices.json',
        path: 'items.4.vatClass',
        code: 'unknown-item',
        message: 'unknown VAT class "luxury" (known: basic-telecom, value-added-telecom, goods)',
      },
    ]);
  });

  it('names a tier defined twice', () => {
    expect(
      problemsAfter((files) => {
        files['tariff.json'].tiers.push({ code: 'key', names: { 'zh-CN': '重要', en: 'Key' } });
      }),
    ).toEqual([
      {
        file: 'tariff.json',
        path: 'tiers.3',
        code: 'duplicate',
        message: 'tier "key" is defined twice',
      },
    ]);
  });
});

describe('declarations in tariff.json', () => {
  it('refuse a fact named like the enterprise’s own fields, a default not among its values, a fact or option twice', () => {
    expect(
      problemsAfter((files) => {
        const facts = files['tariff.json'].customerFacts;
        facts.push({ name: 'id', type: 'decimal', names: { 'zh-CN': '编号', en: 'Id' } });
        facts[2].default = 'everywhere';
        facts[2].required = false;
        facts.push({ ...facts[3] });
        files['tariff.json'].options.push({ ...files['tariff.json'].options[0] });
      }),
    ).toEqual([
      {
        file: 'tariff.json',
        path: 'customerFacts.5',
        code: 'duplicate',
        message: 'customer fact "annualSpend" is defined twice',
      },
      {
        file: 'tariff.json',
        path: 'options.1',
        code: 'duplicate',
        message: 'option "ringbackTone" is defined twice',
      },
      {
        file: 'tariff.json',
        path: 'customerFacts.2.default',
        code: 'invalid-value',
        message: 'the default "everywhere" is not one of centralized, distributed',
      },
      {
        file: 'tariff.json',
        path: 'customerFacts.4.name',
        code: 'duplicate',
        message: '"id" is the enterprise\'s own field; give the fact another name',
      },
    ]);
  });

  it('refuse a count product whose option is not a count, naming the count options', () => {
    expect(
      problemsAfter((files) => {
        files['prices.json'].items[6].quantity = { basis: 'option', option: 'ringbackTone' };
      }),
    ).toEqual([
      {
        file: 'prices.json',
        path: 'items.6.quantity.option',
        code: 'unknown-item',
        message: 'CRBT: "ringbackTone" is not a count option in tariff.json (known: none declared)',
      },
    ]);
  });

  it('refuse an option named like a fact the engine computes', () => {
    expect(
      problemsAfter((files) => {
        files['tariff.json'].options.push({
          name: 'tier',
          type: 'boolean',
          names: { 'zh-CN': '等级', en: 'Tier' },
        });
      }),
    ).toEqual([
      {
        file: 'tariff.json',
        path: 'options.1.name',
        code: 'duplicate',
        message: '"tier" is a request field or fact of its own; give the option another name',
      },
    ]);
  });
});

describe('conditions against the facts they read', () => {
  it('names an unknown path with the fields there are, and a path into a fact that has none', () => {
    expect(
      problemsAfter((files) => {
        condition(files, 'overdraft.rules.json', 1).path = '$.rating';
        condition(files, 'line-fee.rules.json', 0).path = '$.count';
      }),
    ).toEqual([
      {
        file: 'line-fee.rules.json',
        path: 'rules.0.conditions.all.0.path',
        code: 'unknown-path',
        message: 'fact "lines" has no field at path "$.count"',
      },
      {
        file: 'overdraft.rules.json',
        path: 'rules.1.conditions.all.0.path',
        code: 'unknown-path',
        message: `fact "enterprise" has no field at path "$.rating"; fields: ${ENTERPRISE_FIELDS}`,
      },
    ]);
  });

  it('asks for a path into an object fact', () => {
    expect(
      problemsAfter((files) => {
        delete condition(files, 'overdraft.rules.json', 1).path;
      }),
    ).toEqual([
      {
        file: 'overdraft.rules.json',
        path: 'rules.1.conditions.all.0.path',
        code: 'unknown-path',
        message: `fact "enterprise" is an object; add a "path" to one of its fields: ${ENTERPRISE_FIELDS}`,
      },
    ]);
  });

  it('refuses a decimal operator on what is not a number, and a value that is not a decimal string', () => {
    expect(
      problemsAfter((files) => {
        condition(files, 'long-distance.rules.json', 1).operator = 'decimalEqual';
        condition(files, 'long-distance.rules.json', 1).value = '1';
        Object.assign(condition(files, 'ringback.rules.json', 0), {
          operator: 'decimalGreaterThan',
          value: '0',
        });
        condition(files, 'line-fee.rules.json', 0).value = 20;
        condition(files, 'line-fee.rules.json', 0, 1).value = 'hundred';
      }),
    ).toEqual([
      {
        file: 'line-fee.rules.json',
        path: 'rules.0.conditions.all.0.value',
        code: 'invalid-value',
        message:
          'decimalGreaterThanInclusive needs a decimal string such as "100" or "0.5", got 20: write "value": "20"',
      },
      {
        file: 'line-fee.rules.json',
        path: 'rules.0.conditions.all.1.value',
        code: 'invalid-value',
        message: 'decimalLessThan needs a decimal string such as "100" or "0.5", got "hundred"',
      },
      {
        file: 'long-distance.rules.json',
        path: 'rules.1.conditions.all.0.operator',
        code: 'invalid-operator',
        message: 'decimalEqual compares numbers, but tier is one of strategic, key, standard',
      },
      {
        file: 'ringback.rules.json',
        path: 'rules.0.conditions.all.0.operator',
        code: 'invalid-operator',
        message: 'decimalGreaterThan compares numbers, but ringbackTone is a boolean',
      },
    ]);
  });

  it('reports an unknown tier, rating, date, flag or term where the rule compares with it', () => {
    expect(
      problemsAfter((files) => {
        condition(files, 'long-distance.rules.json', 1).value = 'platinum';
        condition(files, 'overdraft.rules.json', 1).value = null;
        condition(files, 'ringback.rules.json', 0).value = 'yes';
        condition(files, 'handsets.rules.json', 0).value = '24';
        condition(files, 'handsets.rules.json', 1).value = 36.5;
        files['long-distance.rules.json'].rules[0].conditions.all.push({
          fact: 'quoteDate',
          operator: 'equal',
          value: '2027-1-1',
        });
        files['long-distance.rules.json'].rules[2].conditions.all.push({
          fact: 'enterprise',
          path: '$.name',
          operator: 'equal',
          value: 7,
        });
      }),
    ).toEqual([
      {
        file: 'handsets.rules.json',
        path: 'rules.0.conditions.all.0.value',
        code: 'invalid-value',
        message: 'termMonths is a whole number, got "24"',
      },
      {
        file: 'handsets.rules.json',
        path: 'rules.1.conditions.all.0.value',
        code: 'invalid-value',
        message: 'termMonths is a whole number, got 36.5',
      },
      {
        file: 'long-distance.rules.json',
        path: 'rules.0.conditions.all.1.value',
        code: 'invalid-value',
        message: 'quoteDate is a date such as "2026-12-31", got "2027-1-1"',
      },
      {
        file: 'long-distance.rules.json',
        path: 'rules.1.conditions.all.0.value',
        code: 'invalid-value',
        message: 'tier is one of strategic, key, standard or null, got "platinum"',
      },
      {
        file: 'long-distance.rules.json',
        path: 'rules.2.conditions.all.1.value',
        code: 'invalid-value',
        message: 'enterprise.name is text, got 7',
      },
      {
        file: 'overdraft.rules.json',
        path: 'rules.1.conditions.all.0.value',
        code: 'invalid-value',
        message: `enterprise.creditRating is one of ${RATINGS}, got null`,
      },
      {
        file: 'ringback.rules.json',
        path: 'rules.0.conditions.all.0.value',
        code: 'invalid-value',
        message: 'ringbackTone is true or false, got "yes"',
      },
    ]);
  });

  it('wants an array for in and notIn, and checks each value in it where it is', () => {
    expect(
      problemsAfter((files) => {
        condition(files, 'handsets.rules.json', 2, 1).value = 'key';
        condition(files, 'tiers.rules.json', 0, 2).value = ['AA', 'Z'];
        condition(files, 'tiers.rules.json', 0, 2).operator = 'notIn';
      }),
    ).toEqual([
      {
        file: 'handsets.rules.json',
        path: 'rules.2.conditions.all.1.value',
        code: 'invalid-value',
        message: 'in needs an array of values',
      },
      {
        file: 'tiers.rules.json',
        path: 'rules.0.conditions.all.2.value.1',
        code: 'invalid-value',
        message: `enterprise.creditRating is one of ${RATINGS}, got "Z"`,
      },
    ]);
  });

  it('finds a flaw inside any and not, by its place', () => {
    expect(
      problemsAfter((files) => {
        const key = files['tiers.rules.json'].rules[1];
        key.conditions.all[1].any[1].path = '$.spend';
        key.conditions.all.push({ not: { fact: 'linez', operator: 'equal', value: 1 } });
      }),
    ).toEqual([
      {
        file: 'tiers.rules.json',
        path: 'rules.1.conditions.all.1.any.1.path',
        code: 'unknown-path',
        message: `fact "enterprise" has no field at path "$.spend"; fields: ${ENTERPRISE_FIELDS}`,
      },
      {
        file: 'tiers.rules.json',
        path: 'rules.1.conditions.all.2.not.fact',
        code: 'unknown-fact',
        message: expect.stringMatching(
          /^unknown fact "linez"; known facts: enterprise, termMonths, lines, /,
        ),
      },
    ]);
  });
});

describe('events against the catalogue', () => {
  it('names an unknown tier, item or category, and a pool on what is not billed by usage', () => {
    expect(
      problemsAfter((files) => {
        files['tiers.rules.json'].rules[0].event.params.tier = 'platinum';
        files['long-distance.rules.json'].rules[1].event.params.item = 'LD_MINS';
        files['handsets.rules.json'].rules[0].event.params.category = 'phones';
        files['group-calls.rules.json'].rules[0].event.params.item = 'LINE_FEE';
        files['group-calls.rules.json'].rules[1].event.params.item = 'FAX';
      }),
    ).toEqual([
      {
        file: 'group-calls.rules.json',
        path: 'rules.0.event.params.item',
        code: 'unknown-item',
        message: 'free-usage-pool needs a usage item; LINE_FEE is not billed by usage',
      },
      {
        file: 'group-calls.rules.json',
        path: 'rules.1.event.params.item',
        code: 'unknown-item',
        message: 'free-usage-pool: "FAX" is not in prices.json',
      },
      {
        file: 'handsets.rules.json',
        path: 'rules.0.event.params.category',
        code: 'unknown-item',
        message:
          'percent-off: no item in prices.json has category "phones" (known: plan, usage, service, handset)',
      },
      {
        file: 'long-distance.rules.json',
        path: 'rules.1.event.params.item',
        code: 'unknown-item',
        message: 'percent-off: "LD_MINS" is not in prices.json',
      },
      {
        file: 'tiers.rules.json',
        path: 'rules.0.event.params.tier',
        code: 'unknown-tier',
        message: '"platinum" is not a tier in tariff.json (known: strategic, key, standard)',
      },
    ]);
  });

  it('refuses params a component does not take, each at its place', () => {
    expect(
      problemsAfter((files) => {
        files['overdraft.rules.json'].rules[0].event.params.roundDownTo = '-100';
        files['loyalty.rules.json'].rules[0].event.params.pointValue = '0,01';
        files['eligibility.rules.json'].rules[0].event.params.reason = '';
      }),
    ).toEqual([
      {
        file: 'eligibility.rules.json',
        path: 'rules.0.event.params.reason',
        code: 'invalid-params',
        message: expect.stringMatching(/^refuse: /),
      },
      {
        file: 'loyalty.rules.json',
        path: 'rules.0.event.params.pointValue',
        code: 'invalid-params',
        message: 'points-terms: must be a decimal string such as "12.5" (no comma, no exponent)',
      },
      {
        file: 'overdraft.rules.json',
        path: 'rules.0.event.params.roundDownTo',
        code: 'invalid-params',
        message: 'overdraft-terms: must not be negative',
      },
    ]);
  });

  it('a caller that skipped the file schema still gets unknown components and bad params as problems', () => {
    const catalogue = {
      tiers: ['key'],
      itemCodes: new Set(['SMS']),
      categories: new Set(['usage']),
      usageItemCodes: new Set(['SMS']),
    };
    const check = (event: unknown, phase: 'offer' | 'approval' = 'offer') =>
      checkEvent('x.rules.json', event as RuleEvent, 'rules.0.event', phase, catalogue);
    expect(check({ type: 'gift', params: {} })).toEqual({
      problems: [
        {
          file: 'x.rules.json',
          path: 'rules.0.event.type',
          code: 'unknown-component',
          message: 'unknown component "gift"',
        },
      ],
    });
    expect(check({ type: 'percent-off', params: { item: 'SMS', percent: '5 %' } })).toEqual({
      problems: [
        {
          file: 'x.rules.json',
          path: 'rules.0.event.params.percent',
          code: 'invalid-params',
          message: 'percent-off: must be a decimal string such as "12.5" (no comma, no exponent)',
        },
      ],
    });
    expect(check({ type: 'approval-level', params: { level: 'auto' } })).toEqual({
      problems: [
        {
          file: 'x.rules.json',
          path: 'rules.0.event.type',
          code: 'wrong-phase',
          message:
            'approval-level belongs in a rule file of phase "approval", this file is "offer"',
        },
      ],
    });
    const fine = check({ type: 'approval-level', params: { level: 'auto' } }, 'approval');
    expect(fine).toMatchObject({ component: { code: 'approval-level', phase: 'approval' } });
    expect(fine).toHaveProperty('prepared.decides', 'approval-level');
  });
});

describe('the order in which rules see the tier (§3)', () => {
  it('refuses a rule at the priority of a tier rule: rules of one priority run together', () => {
    expect(
      problemsAfter((files) => {
        files['long-distance.rules.json'].rules[1].priority = 100;
      }),
    ).toEqual([
      {
        file: 'long-distance.rules.json',
        path: 'long-distance-key.priority',
        code: 'priority-order',
        message:
          'rule long-distance-key (priority 100) reads "tier", which rule tier-standard sets at priority 100; give long-distance-key a priority below 100',
        text: expect.objectContaining({ key: 'verifier.priorityOrder' }),
      },
    ]);
  });

  it('refuses two tier rules at one priority that both read the tier', () => {
    expect(
      problemsAfter((files) => {
        files['tiers.rules.json'].rules[2].priority = 200;
      }),
    ).toEqual([
      {
        file: 'tiers.rules.json',
        path: 'tier-key.priority',
        code: 'priority-order',
        message:
          'rule tier-key (priority 200) reads "tier", which rule tier-standard sets at priority 200; give tier-key a priority below 200',
        text: expect.objectContaining({ key: 'verifier.priorityOrder' }),
      },
      {
        file: 'tiers.rules.json',
        path: 'tier-standard.priority',
        code: 'priority-order',
        message:
          'rule tier-standard (priority 200) reads "tier", which rule tier-key sets at priority 200; give tier-standard a priority below 200',
        text: expect.objectContaining({ key: 'verifier.priorityOrder' }),
      },
    ]);
  });

  it('lets a tier rule read the tier that rules above it set, and rules below all of them read it', () => {
    const snapshot = sampleSnapshot();
    (snapshot.files as Json)['long-distance.rules.json'].rules[1].priority = 99;
    expect(compileRuleSet(snapshot).ok).toBe(true);
  });
});

describe('rule names and validity', () => {
  it('names a rule defined twice in two files at the second, saying where the first is', () => {
    expect(
      problemsAfter((files) => {
        files['tiers.rules.json'].rules[2].name = 'long-distance-key';
      }),
    ).toEqual([
      {
        file: 'tiers.rules.json',
        path: 'long-distance-key',
        code: 'duplicate',
        message:
          'rule name "long-distance-key" is defined twice (also in long-distance.rules.json)',
      },
    ]);
  });

  it('allows a promotion of one day and refuses one that ends before it starts', () => {
    const oneDay = sampleSnapshot();
    Object.assign((oneDay.files as Json)['line-fee.rules.json'].rules[0], {
      validFrom: '2027-03-01',
      validTo: '2027-03-01',
    });
    expect(compileRuleSet(oneDay).ok).toBe(true);
    expect(
      problemsAfter((files) => {
        Object.assign(files['line-fee.rules.json'].rules[0], {
          validFrom: '2027-03-02',
          validTo: '2027-03-01',
        });
      }),
    ).toEqual([
      {
        file: 'line-fee.rules.json',
        path: 'rules.0.validTo',
        code: 'invalid-value',
        message: 'ends (2027-03-01) before it starts (2027-03-02)',
      },
    ]);
  });
});

describe('the compiled rule set', () => {
  it('has the price list, the handset models and each phase’s rules in file order', () => {
    const result = compileRuleSet(sampleSnapshot());
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const { ruleSet } = result;
    expect(ruleSet.items.map((item) => item.code)).toEqual([
      'LINE_FEE',
      'LOCAL_MIN',
      'GROUP_MIN',
      'LD_MIN',
      'SMS',
      'DATA_GB',
      'CRBT',
      'HX-5G-PRO',
      'HX-5G-LITE',
    ]);
    expect(ruleSet.items[0]).toMatchObject({
      vatClassRate: '0.09',
      unitPrice: '38.00',
    });
    expect(ruleSet.items[0]!.vatRate.toFixed()).toBe('0.09');
    expect(ruleSet.items[0]!.unitPriceValue.toFixed()).toBe('38');
    expect(ruleSet.items[0]!.unitCostValue.toFixed()).toBe('6');
    expect(ruleSet.handsetModels).toEqual(['HX-5G-PRO', 'HX-5G-LITE']);
    expect(ruleSet.rulesByPhase.approval.map((rule) => rule.name)).toEqual([
      'approval-auto',
      'approval-pricing-manager',
      'approval-finance-director',
      'approval-rejected-loss',
    ]);
    const offer = ruleSet.rulesByPhase.offer;
    expect(offer.map((rule) => rule.order)).toEqual(offer.map((_rule, index) => index + 4));
    expect(offer[0]).toMatchObject({
      name: 'refuse-under-minimum-lines',
      file: 'eligibility.rules.json',
      priority: 1000,
    });
    expect(offer.some((rule) => 'validFrom' in rule || 'validTo' in rule)).toBe(false);
  });

  it('orders rules of one priority by file name, then by place in the file', async () => {
    const snapshot = sampleSnapshot();
    const sms = (name: string) => ({
      name,
      priority: 5,
      conditions: { all: [] },
      event: { type: 'percent-off', params: { item: 'SMS', percent: '1' } },
    });
    (snapshot.files as Json)['zz.rules.json'] = {
      phase: 'offer',
      rules: [sms('sms-z1'), sms('sms-z2')],
    };
    (snapshot.files as Json)['aa.rules.json'] = {
      phase: 'offer',
      rules: [sms('sms-a1'), sms('sms-a2')],
    };
    const result = compileRuleSet(snapshot);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const quote = await priceQuote(result.ruleSet, workedExample('ENT-0001').request);
    if (!quote.eligible) throw new Error('refused');
    expect(quote.explanations.items.SMS?.map((applied) => applied.rule)).toEqual([
      'sms-a1',
      'sms-a2',
      'sms-z1',
      'sms-z2',
    ]);
  });
});

describe('the component registry', () => {
  it('finds each component by its code, and no other', () => {
    expect(listComponentCodes()).toEqual([
      'refuse',
      'assign-tier',
      'percent-off',
      'free-usage-pool',
      'monthly-credit',
      'overdraft-terms',
      'overdraft-multiple',
      'points-terms',
      'points-multiplier',
      'approval-level',
    ]);
    for (const code of listComponentCodes()) {
      expect(componentFor(code)?.code).toBe(code);
      expect(isComponentCode(code)).toBe(true);
    }
    expect(componentFor('gift')).toBeUndefined();
    expect(isComponentCode('gift')).toBe(false);
    expect(
      listComponentCodes().map((code) => [
        code,
        componentFor(code)?.stage,
        componentFor(code)?.phase,
      ]),
    ).toEqual([
      ['refuse', 'decide', 'offer'],
      ['assign-tier', 'decide', 'offer'],
      ['percent-off', 'item', 'offer'],
      ['free-usage-pool', 'item', 'offer'],
      ['monthly-credit', 'bill', 'offer'],
      ['overdraft-terms', 'decide', 'offer'],
      ['overdraft-multiple', 'benefit', 'offer'],
      ['points-terms', 'decide', 'offer'],
      ['points-multiplier', 'benefit', 'offer'],
      ['approval-level', 'approve', 'approval'],
    ]);
  });

  it('lets one free pool per item fire: pools on two items are fine, two on one conflict', async () => {
    const pool = (name: string, item: string) => ({
      name,
      priority: 5,
      conditions: { all: [] },
      event: { type: 'free-usage-pool', params: { item, freePerLine: '10' } },
    });
    const withPools = (...rules: Json[]) => {
      const snapshot = sampleSnapshot();
      (snapshot.files as Json)['pools.rules.json'] = { phase: 'offer', rules };
      const result = compileRuleSet(snapshot);
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      return priceQuote(result.ruleSet, workedExample('ENT-0001').request);
    };
    const quote = await withPools(pool('sms-pool', 'SMS'), pool('local-pool', 'LOCAL_MIN'));
    if (!quote.eligible) throw new Error('refused');
    // 120 lines × 10 free units: 1200 messages × 0.10 and 1200 minutes × 0.10.
    expect(quote.items.find((item) => item.code === 'SMS')?.discount).toBe('120.00');
    expect(quote.items.find((item) => item.code === 'LOCAL_MIN')?.discount).toBe('120.00');
    const error = await withPools(pool('sms-pool', 'SMS'), pool('sms-pool-2', 'SMS')).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toBe(
      'rules sms-pool and sms-pool-2 both decide free-usage-pool:SMS for this request; make their conditions exclusive',
    );
  });
});

describe('what the checks accept, and the words of what they refuse', () => {
  const accepted = (edit: (files: Json) => void) => {
    const snapshot = sampleSnapshot();
    edit(snapshot.files as Json);
    const result = compileRuleSet(snapshot);
    return result.ok ? [] : result.problems;
  };

  it('accepts a text fact compared with text, a date with a date, an enum with a value it declares', () => {
    expect(
      accepted((files) => {
        files['long-distance.rules.json'].rules[0].conditions.all.push(
          { fact: 'enterprise', path: '$.name', operator: 'equal', value: 'Acme' },
          { fact: 'quoteDate', operator: 'notEqual', value: '2027-01-01' },
          { fact: 'enterprise', path: '$.purchasing', operator: 'in', value: ['centralized'] },
        );
        const purchasing = files['tariff.json'].customerFacts[2];
        purchasing.required = false;
        purchasing.default = 'distributed';
      }),
    ).toEqual([]);
  });

  it('refuses an array compared with equal: only in and notIn take one', () => {
    expect(
      problemsAfter((files) => {
        files['long-distance.rules.json'].rules[0].conditions.all.push({
          fact: 'enterprise',
          path: '$.purchasing',
          operator: 'equal',
          value: ['centralized'],
        });
      }),
    ).toEqual([
      {
        file: 'long-distance.rules.json',
        path: 'rules.0.conditions.all.1.value',
        code: 'invalid-value',
        message: 'enterprise.purchasing is one of centralized, distributed, got ["centralized"]',
      },
    ]);
  });

  it('places a decimal compared with equal at its operator, naming the decimal operators', () => {
    expect(
      problemsAfter((files) => {
        condition(files, 'approval.rules.json', 0).operator = 'equal';
      }),
    ).toEqual([
      {
        file: 'approval.rules.json',
        path: 'rules.0.conditions.all.0.operator',
        code: 'invalid-operator',
        message: expect.stringMatching(/is a decimal: compare it with decimalEqual .*not equal$/),
      },
    ]);
  });

  it('refuses a product that only comes with an option the tariff does not declare, naming those it does', () => {
    const crbtOnlyIf = (files: Json) => {
      files['prices.json'].items.find((item: Json) => item.code === 'CRBT').quantity.onlyIf =
        'ringback';
    };
    const crbt = (known: string) => ({
      file: 'prices.json',
      path: 'items.6.quantity.onlyIf',
      code: 'unknown-item',
      message: `CRBT: "ringback" is not a yes/no option in tariff.json (known: ${known})`,
    });
    expect(problemsAfter(crbtOnlyIf)).toEqual([crbt('ringbackTone')]);
    expect(
      problemsAfter((files) => {
        crbtOnlyIf(files);
        files['tariff.json'].options = [];
      }),
    ).toContainEqual(crbt('none declared'));
  });

  it.each([
    ['any', (tierCondition: Json) => ({ any: [tierCondition] })],
    ['not', (tierCondition: Json) => ({ not: tierCondition })],
  ])(
    'finds the tier read inside %s by a rule above the tier rules, in words and for the reader’s language',
    (_group, wrap) => {
      const problems = problemsAfter((files) => {
        const rule = files['long-distance.rules.json'].rules[1];
        rule.priority = 300;
        rule.conditions = wrap(rule.conditions.all[0]);
      });
      expect(problems.map((problem) => problem.text?.params?.setter)).toEqual([
        'tier-strategic',
        'tier-key',
        'tier-standard',
      ]);
      expect(problems[1]).toEqual({
        file: 'long-distance.rules.json',
        path: 'long-distance-key.priority',
        code: 'priority-order',
        message:
          'rule long-distance-key (priority 300) reads "tier", which rule tier-key sets at priority 200; give long-distance-key a priority below 200',
        text: {
          key: 'verifier.priorityOrder',
          params: {
            rule: 'long-distance-key',
            priority: 300,
            fact: 'tier',
            setter: 'tier-key',
            setterPriority: 200,
          },
        },
      });
    },
  );

  it('names the values a field may take, and asks for an event’s missing type by name', () => {
    expect(
      problemsAfter((files) => {
        files['prices.json'].items[0].kind = 'monthly';
        delete files['long-distance.rules.json'].rules[0].event.type;
      }),
    ).toEqual([
      {
        file: 'long-distance.rules.json',
        path: 'rules.0.event.type',
        code: 'unknown-component',
        message: `an event needs a "type", the code of its component: ${listComponentCodes().join(', ')}`,
      },
      {
        file: 'prices.json',
        path: 'items.0.kind',
        code: 'schema',
        message: 'must be one of recurring, one-time',
      },
    ]);
  });
});

describe('problems in the reader’s language', () => {
  it('words every kind of structural problem in Chinese, and leaves the English as it was', () => {
    const snapshot = sampleSnapshot();
    ((files: Json) => {
      const rule = files['line-fee.rules.json'].rules[0];
      rule.colour = 'red';
      delete rule.conditions.all[0].value;
      files['group-calls.rules.json'].rules[0].conditions.all[0].operator = 'greaterThan';
      files['long-distance.rules.json'].rules[1].event.params.percent = 35;
      files['ringback.rules.json'].rules[0].event.type = 'percent-of';
      files['costs.json'].unitCosts.SMS = 0.01;
      files['prices.json'].items[0].kind = 'monthly';
      files['approval.rules.json'].phase = 'later';
    })(snapshot.files as Json);
    const compiled = compileRuleSet(snapshot);
    if (compiled.ok) throw new Error('expected the edited rule set to be refused');
    const problems = compiled.problems;
    const inChinese = problems.map((problem) => [problem.path, issueMessage(problem, 'zh-CN')]);
    expect(inChinese).toEqual([
      ['phase', '必须是 "offer"（为请求定价的规则）或 "approval"（读取毛利的规则）'],
      ['unitCosts.SMS', '十进制数要写成带引号的字符串：写 "SMS": "0.01"，不要写 "SMS": 0.01'],
      [
        'rules.0.conditions.all.0.operator',
        expect.stringMatching(
          /^不认识的运算符 "greaterThan"（数值用 decimalGreaterThan 比较）；可用：/,
        ),
      ],
      ['rules.0.conditions.all.0.value', '条件需要一个用来比较的 "value"'],
      ['rules.0.colour', '不认识的字段：colour'],
      [
        'rules.1.event.params.percent',
        'percent-off：十进制数要写成带引号的字符串：写 "percent": "35"，不要写 "percent": 35',
      ],
      ['items.0.kind', '必须是以下之一：recurring、one-time'],
      ['rules.0.event.type', expect.stringMatching(/^不认识的组件 "percent-of"；可用：refuse, /)],
    ]);
    // The English is the message itself, as the command line prints it.
    expect(problems.map((problem) => issueMessage(problem, 'en'))).toEqual(
      problems.map((problem) => problem.message),
    );
  });
});

describe('a date a condition compares with', () => {
  it.each(['x2027-01-01', '2027-01-01x', '2027-1-1'])('is refused when written %j', (value) => {
    expect(
      problemsAfter((files) => {
        files['long-distance.rules.json'].rules[0].conditions.all.push({
          fact: 'quoteDate',
          operator: 'equal',
          value,
        });
      }),
    ).toEqual([
      {
        file: 'long-distance.rules.json',
        path: 'rules.0.conditions.all.1.value',
        code: 'invalid-value',
        message: `quoteDate is a date such as "2026-12-31", got ${JSON.stringify(value)}`,
      },
    ]);
  });
});
