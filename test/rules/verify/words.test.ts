/**
 * The verifier's findings in the reader's language: every finding carries its words' key in the
 * locale files (`errors.verifier.*`) with what fills them, so a Chinese page or an API caller
 * asking for zh-CN reads it in Chinese, while the command line prints the English message.
 */
import { issueMessage, messageFor } from '../../../src/messages/messages';
import type { Finding } from '../../../src/rules/verify';
import { verifiedAfter } from './support';

/** One planted defect of each kind the verifier reports. */
function plantedFindings(): Finding[] {
  return [
    ...verifiedAfter(
      ['ringback.rules.json', '"percent": "100"', '"percent": "135"'],
      ['prices.json', '"rate": "0.06"', '"rate": "6"'],
      ['costs.json', '"DATA_GB": "1.20"', '"DATA_GB": "1.205"'],
    ).findings,
    ...verifiedAfter([
      'line-fee.rules.json',
      '"operator": "decimalLessThan", "value": "500"',
      '"operator": "decimalLessThan", "value": "50"',
    ]).findings,
    ...verifiedAfter([
      'tiers.rules.json',
      '"params": { "tier": "strategic" }',
      '"params": { "tier": "key" }',
    ]).findings,
    ...verifiedAfter([
      'long-distance.rules.json',
      '"item": "LD_MIN", "percent": "5" }',
      '"item": "LD_MIN", "percent": "55" }',
    ]).findings,
  ];
}

describe('the words of the verifier’s findings', () => {
  const findings = plantedFindings();

  it('has a finding of each kind planted', () => {
    expect(new Set(findings.map((finding) => finding.code))).toEqual(
      new Set([
        'percent-out-of-range',
        'vat-rate-out-of-range',
        'money-precision',
        'never-fires',
        'unused-tier',
        'percent-over-100',
      ]),
    );
  });

  it('words every finding in Chinese, every placeholder filled, naming what the English names', () => {
    for (const finding of findings) {
      const chinese = issueMessage(finding, 'zh-CN');
      expect({ code: finding.code, chinese }).toEqual({
        code: finding.code,
        chinese: expect.stringMatching(/[\u4e00-\u9fff]/),
      });
      expect({ code: finding.code, placeholder: /\{[a-zA-Z]+\}/.test(chinese) }).toEqual({
        code: finding.code,
        placeholder: false,
      });
      // Codes, rule names and values are data: the Chinese names each one the English names.
      const named = [
        ...finding.rules.filter((rule) => finding.message.includes(rule)),
        ...(finding.message.match(/"[^"]+"/g) ?? []),
      ];
      for (const name of named)
        expect({ code: finding.code, chinese }).toEqual({
          code: finding.code,
          chinese: expect.stringContaining(name.replace(/"/g, '')),
        });
    }
  });

  it('keeps the English message for the command line and an English reader', () => {
    for (const finding of findings) expect(issueMessage(finding, 'en')).toBe(finding.message);
  });

  it('says a cost with a third decimal in Chinese words', () => {
    const cost = findings.find(
      (finding) => finding.code === 'money-precision' && finding.file === 'costs.json',
    )!;
    expect(issueMessage(cost, 'zh-CN')).toBe(
      'DATA_GB 的单位成本“1.205”有 3 位小数：金额以人民币计到分，最多 2 位小数',
    );
    // The English of the catalogue says what the command line says.
    expect(messageFor(cost.text.key, cost.text.params, 'en')).toBe(cost.message);
  });
});
