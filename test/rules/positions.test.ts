import { RuleSetPositions } from '../../src/rules/positions';

const TEXT = `{
  "$schema": "./schema/rules.schema.json",
  "phase": "offer",
  "rules": [
    {
      "name": "scale-discount",
      "priority": 10,
      "conditions": {
        "all": [{ "fact": "lines", "operator": "decimalGreaterThanInclusive", "value": "20" }]
      },
      "event": { "type": "percent-off", "params": { "item": "LINE_FEE", "percent": "5" } }
    }
  ]
}
`;

describe('positions in a rule file', () => {
  const positions = new RuleSetPositions({ 'line-fee.rules.json': TEXT });

  it('puts a dotted path at the value it names, 1-based', () => {
    expect(positions.at('line-fee.rules.json', 'rules.0.conditions.all.0.value')).toEqual({
      line: 9,
      column: 88,
    });
    expect(positions.at('line-fee.rules.json', 'rules.0.event.params.percent')).toEqual({
      line: 11,
      column: 84,
    });
  });

  it('puts an unknown key at the key, and a rule named by the path at that rule', () => {
    expect(positions.at('line-fee.rules.json', 'rules.0.priority', 'key')).toEqual({
      line: 7,
      column: 7,
    });
    expect(positions.at('line-fee.rules.json', 'scale-discount.priority')).toEqual({
      line: 7,
      column: 19,
    });
  });

  it('puts a path that goes past the text (a missing key) at the deepest value it reaches', () => {
    expect(positions.at('line-fee.rules.json', 'rules.0.event.params.category')).toEqual({
      line: 11,
      column: 51,
    });
    expect(positions.at('line-fee.rules.json', '')).toEqual({ line: 1, column: 1 });
  });

  it('says where a file stops being JSON', () => {
    const broken = new RuleSetPositions({ 'x.rules.json': '{\n  "rules": [,\n  ]\n}\n' });
    expect(broken.syntaxError('x.rules.json')).toEqual({
      line: 2,
      column: 13,
      error: 'ValueExpected',
    });
    expect(positions.syntaxError('line-fee.rules.json')).toBeUndefined();
  });
});
