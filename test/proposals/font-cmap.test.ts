/**
 * The Chinese fonts' character maps, rewritten so that a glyph's text in the PDF is its ideograph:
 * on the shipped Noto Sans SC files themselves.
 */
import { readFileSync } from 'node:fs';
import {
  aliasedCodePoints,
  unicodeMapOf,
  withoutAliasedRadicals,
} from '../../src/proposals/font-cmap';
import { shippedChineseFonts } from '../../src/proposals/fonts';

/** An sfnt's checksum over the whole file, as its head table's checkSumAdjustment makes it. */
function wholeChecksum(font: Buffer): number {
  let sum = 0;
  for (let offset = 0; offset + 4 <= font.length; offset += 4) {
    sum = (sum + font.readUInt32BE(offset)) >>> 0;
  }
  return sum;
}

describe.each(shippedChineseFonts())('%s', (path) => {
  const shipped = readFileSync(path);
  const before = unicodeMapOf(shipped);
  const { font, removed } = withoutAliasedRadicals(shipped);
  const after = unicodeMapOf(font);

  it('ships radicals that share their glyph with an ideograph (what the rewrite is for)', () => {
    expect(before.get(0x2f49)).toBe(before.get(0x6708)); // ⽉ and 月
    expect(aliasedCodePoints(before).length).toBe(removed);
    expect(removed).toBeGreaterThan(0);
  });

  it('keeps every other code point on its glyph and drops only the aliases', () => {
    const aliases = new Set(aliasedCodePoints(before));
    const moved = [...before].filter(
      ([codePoint, glyph]) => after.get(codePoint) !== (aliases.has(codePoint) ? undefined : glyph),
    );
    expect(moved).toEqual([]);
    expect(after.size).toBe(before.size - removed);
    expect(after.get(0x6708)).toBe(before.get(0x6708));
    expect(after.has(0x2f49)).toBe(false);
    expect(aliasedCodePoints(after)).toEqual([]);
  });

  it('is a well-formed font: every other table unchanged, checksums right', () => {
    expect(wholeChecksum(font)).toBe(0xb1b0afba);
    const tables = (buffer: Buffer) => {
      const map = new Map<string, Buffer>();
      for (let index = 0; index < buffer.readUInt16BE(4); index += 1) {
        const record = 12 + 16 * index;
        const offset = buffer.readUInt32BE(record + 8);
        map.set(
          buffer.toString('latin1', record, record + 4),
          buffer.subarray(offset, offset + buffer.readUInt32BE(record + 12)),
        );
      }
      return map;
    };
    const original = tables(shipped);
    const rewritten = tables(font);
    expect([...rewritten.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [tag, data] of original) {
      if (tag === 'cmap' || tag === 'head') continue;
      expect([tag, rewritten.get(tag)!.equals(data)]).toEqual([tag, true]);
    }
  });
});
