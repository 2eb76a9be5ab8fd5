/**
 * A rule's conditions read in the rule set's own words (issue 16): facts by their declared labels,
 * enum values by their declared names, in the page's or document's language, wherever a rule is
 * shown (the deal sheet, the quote pages, the rule-set pages).
 */
import { TEMPLATES_DIR } from '../../src/proposals/html';
import { loadLocale } from '../../src/proposals/locale';
import { factWords } from '../../src/proposals/fact-words';
import { dealSheetView, ruleView } from '../../src/proposals/view';
import type { ProposalLanguage } from '../../src/proposals/input';
import { ruleFileViews } from '../../src/web/ruleset-view';
import { quoteFigures } from '../../src/web/quote-view';
import { approvalView } from '../../src/quotes/view';
import { fixtureRuleSet } from '../support/rule-set-copy';
import { exampleInput } from './support';

const ruleSet = fixtureRuleSet();

/** What the fixture tariff declares for a customer fact: its label and one value's name. */
function declared(fact: string, code: string, lang: ProposalLanguage) {
  const declaration = ruleSet.tariff.customerFacts.find((entry) => entry.name === fact)!;
  if (declaration.type !== 'enum') throw new Error(`${fact} is not an enum`);
  return {
    label: declaration.names[lang],
    value: declaration.values.find((value) => value.code === code)!.names[lang],
  };
}

describe.each(['zh-CN', 'en'] as const)('in %s', (lang) => {
  const locale = loadLocale(TEMPLATES_DIR, lang);
  const purchasing = declared('purchasing', 'centralized', lang);

  test('the deal sheet words the tier rule as the tariff declares its facts', async () => {
    // ENT-0003 is a strategic account: lines ≥ 500, centralized purchasing, rated AAA or AA.
    const view = dealSheetView(await exampleInput('ENT-0003'), locale);
    const conditions = view.explanations[0]!.rules.flatMap((rule) => rule.conditions);
    expect(conditions).toContainEqual({
      fact: purchasing.label,
      operator: locale.text('operators.equal'),
      value: purchasing.value,
      saw: purchasing.value,
      passed: true,
    });
    const rating = conditions.find(
      (condition) => condition.operator === locale.text('operators.in'),
    )!;
    expect(rating.fact).toBe(declared('creditRating', 'AAA', lang).label);
    expect(rating.value).toBe(['AAA', 'AA'].join(locale.text('facts.listSeparator')));
    expect(conditions.find((condition) => condition.value === '500')?.fact).toBe(
      locale.text('facts.lines'),
    );
    // No condition shows a fact path or a declared enum code.
    for (const condition of conditions) {
      expect(condition.fact).not.toMatch(/^[a-z]+(\.[a-zA-Z]+)+$|^lines$/);
      expect(condition.value).not.toBe('centralized');
    }
  });

  test('the quote pages and the rule-set pages say the same', async () => {
    const input = await exampleInput('ENT-0003');
    const figures = quoteFigures(
      input.quote,
      approvalView(input.quote.internal.approval),
      locale,
      ruleSet,
    );
    const dealSheet = dealSheetView(input, locale);
    expect(figures.tierRules).toEqual(dealSheet.explanations[0]!.rules);
    expect(figures.tierName).toBe(dealSheet.tierName);

    const rows = ruleFileViews(ruleSet.snapshot.files, locale).flatMap((file) => file.rules);
    const strategic = rows.find((row) => row.when.includes(purchasing.label))!;
    expect(strategic.when).toContain(
      `${purchasing.label} ${locale.text('operators.equal')} ${purchasing.value}`,
    );
    expect(rows.map((row) => row.when).join(' ')).not.toMatch(/enterprise\.|centralized/);
    // A component's params by the same words: the item by its price-list name, a level by its.
    const params = rows.flatMap((row) => row.params);
    const lineFee = ruleSet.items.find((item) => item.code === 'LINE_FEE')!;
    expect(params).toContainEqual({ name: 'item', value: lineFee.names[lang] });
    expect(params).toContainEqual({ name: 'level', value: locale.text('approval.levels.auto') });
    expect(params.map((param) => param.value)).not.toContain('LINE_FEE');
  });
});

test('a fact nothing names keeps its path; values fall back to the locale files', () => {
  const locale = loadLocale(TEMPLATES_DIR, 'zh-CN');
  const undeclared = factWords({}, locale);
  expect(undeclared.label('enterprise.shoeSize')).toBe('enterprise.shoeSize');
  expect(undeclared.value('enterprise.industry', 'logistics')).toBe(
    locale.text('industries.logistics'),
  );
  expect(undeclared.value('enterprise.shoeSize', 'big')).toBe('big');
  const view = ruleView(
    {
      rule: 'r',
      component: 'percent-off',
      params: { percent: '5' },
      conditions: [
        { fact: 'ringbackTone', operator: 'equal', value: true, saw: false, passed: false },
      ],
    },
    locale,
    factWords({ declarations: ruleSet.tariff }, locale),
  );
  expect(view.conditions[0]).toMatchObject({
    fact: ruleSet.tariff.options.find((option) => option.name === 'ringbackTone')!.names['zh-CN'],
    value: locale.text('common.yes'),
    saw: locale.text('common.no'),
  });
});
