import { FIXTURE_RULES_DIR } from '../../support/rule-set-copy';
import { valueAfter, verifiedAfter, verifiedDir } from './support';

const UNUSED = ['unused-tier', 'unused-fact', 'unused-product'];

const PREMIUM_TIER =
  '{ "code": "premium", "names": { "zh-CN": "高级客户", "en": "Premium account" } },\n    ';
const PREMIUM_RULE = `{
      "name": "tier-premium",
      "priority": 250,
      "conditions": {
        "all": [
          { "fact": "tier", "operator": "equal", "value": null },
          { "fact": "lines", "operator": "decimalGreaterThanInclusive", "value": "300" }
        ]
      },
      "event": { "type": "assign-tier", "params": { "tier": "premium" } }
    },
    `;

describe('what the tariff declares and no rule uses', () => {
  it('nothing in the sample: every tier, declared fact and product is used', () => {
    expect(
      verifiedDir(FIXTURE_RULES_DIR).findings.filter((finding) => UNUSED.includes(finding.code)),
    ).toEqual([]);
  });

  it('a new tier no rule assigns', () => {
    const verified = verifiedAfter([
      'tariff.json',
      '"tiers": [\n    ',
      `"tiers": [\n    ${PREMIUM_TIER}`,
    ]);
    expect(verified.findings).toEqual([
      expect.objectContaining({
        code: 'unused-tier',
        severity: 'warning',
        file: 'tariff.json',
        message: 'tier premium: no rule assigns it, so no quote can have it',
        ...valueAfter(verified.sources['tariff.json']!, '"tiers": [', '"code":'),
      }),
    ]);
  });

  it('a new tier assigned but read by no rule: its customers get no discounts or points', () => {
    const verified = verifiedAfter(
      ['tariff.json', '"tiers": [\n    ', `"tiers": [\n    ${PREMIUM_TIER}`],
      ['tiers.rules.json', '"rules": [\n    ', `"rules": [\n    ${PREMIUM_RULE}`],
    );
    expect(verified.findings).toEqual([
      expect.objectContaining({
        code: 'unused-tier',
        rules: ['tier-premium'],
        message: expect.stringMatching(
          /tier premium: tier-premium assigns it, but no rule reads it/,
        ),
      }),
    ]);
  });

  it('a declared customer fact no rule reads', () => {
    const verified = verifiedAfter([
      'tariff.json',
      '"customerFacts": [\n',
      '"customerFacts": [\n    { "name": "purchaseFrequency", "type": "integer", "names": { "zh-CN": "购买频次", "en": "Purchase frequency" } },\n',
    ]);
    expect(verified.findings).toEqual([
      expect.objectContaining({
        code: 'unused-fact',
        file: 'tariff.json',
        message: expect.stringContaining('customer fact purchaseFrequency: no rule reads it'),
        ...valueAfter(verified.sources['tariff.json']!, '"customerFacts": [', '"name":'),
      }),
    ]);
  });

  it('an opt-in product no rule reads or targets', () => {
    const verified = verifiedAfter(
      [
        'tariff.json',
        '"options": [\n',
        '"options": [\n    { "name": "pbxSeats", "type": "count", "names": { "zh-CN": "云总机席位", "en": "Cloud PBX seats" } },\n',
      ],
      [
        'prices.json',
        '"items": [\n',
        '"items": [\n    { "code": "PBX_SEAT", "names": { "zh-CN": "云总机席位", "en": "Cloud PBX seat" }, "unitNames": { "zh-CN": "席·月", "en": "seat · month" }, "category": "pbx", "kind": "recurring", "unitPrice": "30.00", "vatClass": "value-added-telecom", "quantity": { "basis": "option", "option": "pbxSeats" } },\n',
      ],
      ['costs.json', '"unitCosts": {\n', '"unitCosts": {\n    "PBX_SEAT": "12.00",\n'],
    );
    expect(verified.findings).toEqual([
      expect.objectContaining({
        code: 'unused-product',
        file: 'prices.json',
        message: expect.stringContaining('product PBX_SEAT (option pbxSeats)'),
        ...valueAfter(verified.sources['prices.json']!, '"items": [', '"code":'),
      }),
    ]);
  });
});
