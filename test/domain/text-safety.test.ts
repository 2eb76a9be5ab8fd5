/** Which characters client text may hold: controls, bidirectional controls and lone surrogates are refused. */
import fc from 'fast-check';
import { isSafeText, safeText, unsafeCharacterIn } from '../../src/domain';

describe('safe text', () => {
  it.each([
    ['NUL', 'ENT\u0000', 'U+0000', 'a control character'],
    ['a tab', 'a\tb', 'U+0009', 'a control character'],
    ['DEL', '\u007f', 'U+007F', 'a control character'],
    ['a C1 control', 'x\u0085', 'U+0085', 'a control character'],
    ['a right-to-left override', '\u202Etxt.exe', 'U+202E', 'a bidirectional control'],
    ['a left-to-right embedding', '\u202A', 'U+202A', 'a bidirectional control'],
    ['a first-strong isolate', 'a\u2068b', 'U+2068', 'a bidirectional control'],
    ['a pop directional isolate', '\u2069', 'U+2069', 'a bidirectional control'],
    ['a lone high surrogate', 'a\ud800b', 'U+D800', 'an unpaired surrogate'],
    ['a lone low surrogate', '\udc00', 'U+DC00', 'an unpaired surrogate'],
    ['a high surrogate at the end', 'ab\udbff', 'U+DBFF', 'an unpaired surrogate'],
  ])('refuses %s', (_name, text, codePoint, kind) => {
    expect(isSafeText(text)).toBe(false);
    expect(unsafeCharacterIn(text)).toMatchObject({ codePoint, kind });
    const result = safeText.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(codePoint);
  });

  it.each([
    ['Chinese', '上海示例物流有限公司'],
    ['Latin with accents', 'Société Générale'],
    ['Arabic, right to left by itself', 'شركة'],
    ['an emoji (a surrogate pair)', 'Team 🚀'],
    ['the ordinary direction marks', 'a\u200Eb\u200F'],
    ['spaces and punctuation', 'ENT-0001 (HQ), "A&B"'],
    ['nothing', ''],
  ])('accepts %s', (_name, text) => {
    expect(isSafeText(text)).toBe(true);
    expect(safeText.safeParse(text).success).toBe(true);
  });

  it('names the position of the first refused character', () => {
    expect(unsafeCharacterIn('ab\u0000c\u202E')).toEqual({
      codePoint: 'U+0000',
      index: 2,
      kind: 'a control character',
    });
  });

  /** Any code point, lone surrogate halves included, often near the edges of the refused ranges. */
  const codePoint = fc
    .oneof(
      fc.integer({ min: 0, max: 0x10ffff }),
      fc.integer({ min: 0, max: 0xa0 }),
      fc.integer({ min: 0x2020, max: 0x2070 }),
      fc.integer({ min: 0xd7f0, max: 0xe010 }),
    )
    .map((code) => String.fromCodePoint(code));

  it('accepts exactly the text without refused code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: codePoint, maxLength: 12 }), (text) => {
        const refused = [...text].some((character) => {
          const code = character.codePointAt(0)!;
          return (
            code <= 0x1f ||
            (code >= 0x7f && code <= 0x9f) ||
            (code >= 0x202a && code <= 0x202e) ||
            (code >= 0x2066 && code <= 0x2069) ||
            (code >= 0xd800 && code <= 0xdfff)
          );
        });
        expect(isSafeText(text)).toBe(!refused);
      }),
      { seed: 17, numRuns: 2000 },
    );
  });
});
