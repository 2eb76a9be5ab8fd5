/**
 * `quote rulesets diff` in words: each kind of edit a pricing analyst makes to the fixture's files
 * reads back as one line naming what changed, its field, and the value before and after.
 */
import { diffRuleSets, formatDiff } from '../../src/rulesets/diff';
import { ruleSetHash, type RuleSetSnapshot } from '../../src/rules/compile';
import { sampleSnapshot } from '../support/rule-set-copy';

type Files = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rule files are edited by hand here

function linesAfter(edit: (files: Files) => void): string[] {
  const before = sampleSnapshot();
  const after = sampleSnapshot();
  edit(after.files as Files);
  return formatDiff(diffRuleSets(versionOf(before), versionOf(after)));
}

function versionOf(snapshot: RuleSetSnapshot) {
  return { hash: ruleSetHash(snapshot), snapshot };
}

function rule(files: Files, file: string, name: string) {
  return files[file].rules.find((entry: { name: string }) => entry.name === name);
}

describe('the diff of two rule sets', () => {
  test('of a set with itself is no change', () => {
    expect(linesAfter(() => undefined)).toEqual(['no changes']);
  });

  test("names a rule's changed parameter by its own name", () => {
    expect(
      linesAfter((files) => {
        rule(files, 'long-distance.rules.json', 'long-distance-key').event.params.percent = '40';
      }),
    ).toEqual(['long-distance-key: percent 35 → 40']);
  });

  test("names a rule's other fields by their path in the rule", () => {
    expect(
      linesAfter((files) => {
        const key = rule(files, 'long-distance.rules.json', 'long-distance-key');
        key.priority = 20;
        key.conditions.all[0].value = 'strategic';
        key.validTo = '2027-06-30';
      }),
    ).toEqual([
      'long-distance-key: conditions.all.0.value key → strategic',
      'long-distance-key: priority 10 → 20',
      'long-distance-key: validTo (none) → 2027-06-30',
    ]);
  });

  test('lists rules added and removed with their file and component', () => {
    expect(
      linesAfter((files) => {
        const rules = files['long-distance.rules.json'].rules;
        rules.splice(
          rules.findIndex(
            (entry: { name: string }) => entry.name === 'long-distance-36-month-bonus',
          ),
          1,
        );
        rules.push({
          name: 'long-distance-winter-promotion',
          priority: 10,
          conditions: { all: [] },
          event: { type: 'percent-off', params: { item: 'LD_MIN', percent: '10' } },
        });
      }),
    ).toEqual([
      'rule removed: long-distance-36-month-bonus (long-distance.rules.json, percent-off)',
      'rule added: long-distance-winter-promotion (long-distance.rules.json, percent-off)',
    ]);
  });

  test('says when a rule moved to another file, and nothing else if nothing else changed', () => {
    expect(
      linesAfter((files) => {
        const from = files['long-distance.rules.json'].rules;
        const moved = from.splice(
          from.findIndex((entry: { name: string }) => entry.name === 'long-distance-key'),
          1,
        )[0];
        files['loyalty.rules.json'].rules.push(moved);
      }),
    ).toEqual(['long-distance-key: file long-distance.rules.json → loyalty.rules.json']);
  });

  test('names prices, VAT rates and costs by their code', () => {
    expect(
      linesAfter((files) => {
        files['prices.json'].items.find(
          (item: { code: string }) => item.code === 'LD_MIN',
        ).unitPrice = '0.35';
        files['prices.json'].vatClasses['value-added-telecom'].rate = '0.07';
        files['costs.json'].unitCosts.LD_MIN = '0.060';
        files['costs.json'].unitCosts.ROAMING_MIN = '0.200';
      }),
    ).toEqual([
      'price LD_MIN: unitPrice 0.30 → 0.35',
      'VAT class value-added-telecom: rate 0.06 → 0.07',
      'cost LD_MIN: 0.050 → 0.060',
      'cost added: ROAMING_MIN 0.200',
    ]);
  });

  test('names tariff settings, lists as a whole and declarations by their code or name', () => {
    expect(
      linesAfter((files) => {
        const tariff = files['tariff.json'];
        tariff.validityDays = 45;
        tariff.contractTerms = [12, 24];
        tariff.publication.fourEyes = false;
        tariff.tiers.find((tier: { code: string }) => tier.code === 'key').names.en =
          'Key customer';
      }),
    ).toEqual([
      'tariff: contractTerms [12,24,36] → [12,24]',
      'tariff: publication.fourEyes true → false',
      'tariff: tiers.key.names.en Key account → Key customer',
      'tariff: validityDays 30 → 45',
    ]);
  });

  test('keeps the changes as data too: area, subject, field, before and after', () => {
    const before = sampleSnapshot();
    const after = sampleSnapshot();
    rule(
      after.files as Files,
      'long-distance.rules.json',
      'long-distance-key',
    ).event.params.percent = '40';
    const diff = diffRuleSets(versionOf(before), versionOf(after));
    expect(diff).toEqual({
      from: ruleSetHash(before),
      to: ruleSetHash(after),
      changes: [
        {
          area: 'rules',
          change: 'changed',
          subject: 'long-distance-key',
          field: 'percent',
          before: '35',
          after: '40',
          text: 'long-distance-key: percent 35 → 40',
        },
      ],
    });
  });
});

describe('the diff in Chinese', () => {
  function chineseLinesAfter(edit: (files: Files) => void): string[] {
    const before = sampleSnapshot();
    const after = sampleSnapshot();
    edit(after.files as Files);
    return formatDiff(diffRuleSets(versionOf(before), versionOf(after), 'zh-CN'), 'zh-CN');
  }

  test('words every kind of change, and leaves the data as it was', () => {
    const lines = chineseLinesAfter((files) => {
      rule(files, 'long-distance.rules.json', 'long-distance-key').event.params.percent = '40';
      rule(files, 'long-distance.rules.json', 'long-distance-key').validTo = '2027-06-30';
      files['costs.json'].unitCosts.ROAMING_MIN = '0.200';
      files['tariff.json'].validityDays = 45;
      files['long-distance.rules.json'].rules.push({
        name: 'long-distance-winter-promotion',
        priority: 10,
        conditions: { all: [] },
        event: { type: 'percent-off', params: { item: 'LD_MIN', percent: '10' } },
      });
    });
    expect(lines).toEqual([
      '资费：validityDays 30 → 45',
      '新增成本：ROAMING_MIN 0.200',
      'long-distance-key：percent 35 → 40',
      'long-distance-key：validTo （无） → 2027-06-30',
      '新增规则：long-distance-winter-promotion（long-distance.rules.json，percent-off）',
    ]);
    expect(chineseLinesAfter(() => undefined)).toEqual(['没有变更']);
  });

  test('keeps the same data in every language: only the words differ', () => {
    const before = sampleSnapshot();
    const after = sampleSnapshot();
    (after.files as Files)['prices.json'].items[0].unitPrice = '1.00';
    const strip = (diff: ReturnType<typeof diffRuleSets>) =>
      diff.changes.map(({ text: _text, ...data }) => data);
    const english = diffRuleSets(versionOf(before), versionOf(after));
    const chinese = diffRuleSets(versionOf(before), versionOf(after), 'zh-CN');
    expect(strip(chinese)).toEqual(strip(english));
    expect(chinese.changes[0]!.text).toMatch(/^价格 \S+：unitPrice /);
  });
});
