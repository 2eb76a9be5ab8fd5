/**
 * Rewrites a TrueType font's character map so that each Chinese glyph is reached from its CJK
 * unified ideograph only. Noto Sans SC maps a Kangxi radical (⽉ U+2F49) and a compatibility
 * ideograph to the very glyph of the ideograph (月 U+6708), and Chromium's PDF backend writes each
 * glyph's text as the lowest code point that reaches it: 一, 日, 月, 金 and some twenty more would be
 * copied, searched and read by screen readers as radicals. Without those aliases the glyph has one
 * code point, the right one. Everything else in the font is kept byte for byte.
 */

/** Kangxi radicals and their supplement, CJK compatibility ideographs (BMP and supplement). */
const ALIAS_RANGES: readonly [number, number][] = [
  [0x2e80, 0x2fdf],
  [0xf900, 0xfaff],
  [0x2f800, 0x2fa1f],
];

const isAliasRange = (codePoint: number) =>
  ALIAS_RANGES.some(([from, to]) => codePoint >= from && codePoint <= to);

interface Table {
  tag: string;
  data: Buffer;
}

function readTables(font: Buffer): { version: number; tables: Table[] } {
  const version = font.readUInt32BE(0);
  const count = font.readUInt16BE(4);
  const tables: Table[] = [];
  for (let index = 0; index < count; index += 1) {
    const record = 12 + 16 * index;
    const tag = font.toString('latin1', record, record + 4);
    const offset = font.readUInt32BE(record + 8);
    const length = font.readUInt32BE(record + 12);
    tables.push({ tag, data: font.subarray(offset, offset + length) });
  }
  return { version, tables };
}

function checksum(data: Buffer): number {
  let sum = 0;
  const padded =
    data.length % 4 === 0 ? data : Buffer.concat([data, Buffer.alloc(4 - (data.length % 4))]);
  for (let offset = 0; offset < padded.length; offset += 4) {
    sum = (sum + padded.readUInt32BE(offset)) >>> 0;
  }
  return sum;
}

function writeFont(version: number, tables: Table[]): Buffer {
  const sorted = [...tables].sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  const count = sorted.length;
  const power = 2 ** Math.floor(Math.log2(count));
  const header = Buffer.alloc(12 + 16 * count);
  header.writeUInt32BE(version, 0);
  header.writeUInt16BE(count, 4);
  header.writeUInt16BE(power * 16, 6);
  header.writeUInt16BE(Math.log2(power), 8);
  header.writeUInt16BE(count * 16 - power * 16, 10);
  const parts: Buffer[] = [header];
  let offset = header.length;
  let headOffset = -1;
  sorted.forEach((table, index) => {
    const data = Buffer.from(table.data);
    if (table.tag === 'head') {
      data.writeUInt32BE(0, 8); // checkSumAdjustment is computed over the whole font, below
      headOffset = offset;
    }
    const record = 12 + 16 * index;
    header.write(table.tag, record, 4, 'latin1');
    header.writeUInt32BE(checksum(data), record + 4);
    header.writeUInt32BE(offset, record + 8);
    header.writeUInt32BE(data.length, record + 12);
    const padding = (4 - (data.length % 4)) % 4;
    parts.push(data, Buffer.alloc(padding));
    offset += data.length + padding;
  });
  const font = Buffer.concat(parts);
  if (headOffset >= 0) font.writeUInt32BE((0xb1b0afba - checksum(font)) >>> 0, headOffset + 8);
  return font;
}

interface Subtable {
  platform: number;
  encoding: number;
  data: Buffer;
}

function readSubtables(cmap: Buffer): Subtable[] {
  const count = cmap.readUInt16BE(2);
  const subtables: Subtable[] = [];
  for (let index = 0; index < count; index += 1) {
    const record = 4 + 8 * index;
    const offset = cmap.readUInt32BE(record + 4);
    const format = cmap.readUInt16BE(offset);
    const length =
      format === 12 || format === 13 || format === 14
        ? cmap.readUInt32BE(offset + (format === 14 ? 2 : 4))
        : cmap.readUInt16BE(offset + 2);
    subtables.push({
      platform: cmap.readUInt16BE(record),
      encoding: cmap.readUInt16BE(record + 2),
      data: cmap.subarray(offset, offset + length),
    });
  }
  return subtables;
}

/** A format 12 subtable as code point → glyph. */
function format12Map(data: Buffer): Map<number, number> {
  const map = new Map<number, number>();
  const groups = data.readUInt32BE(12);
  for (let index = 0; index < groups; index += 1) {
    const at = 16 + 12 * index;
    const start = data.readUInt32BE(at);
    const end = data.readUInt32BE(at + 4);
    const glyph = data.readUInt32BE(at + 8);
    for (let codePoint = start; codePoint <= end; codePoint += 1) {
      map.set(codePoint, glyph + codePoint - start);
    }
  }
  return map;
}

function format12(map: ReadonlyMap<number, number>): Buffer {
  const groups: [number, number, number][] = [];
  for (const [codePoint, glyph] of [...map].sort((a, b) => a[0] - b[0])) {
    const last = groups[groups.length - 1];
    if (last && codePoint === last[1] + 1 && glyph === last[2] + codePoint - last[0]) {
      last[1] = codePoint;
    } else {
      groups.push([codePoint, codePoint, glyph]);
    }
  }
  const data = Buffer.alloc(16 + 12 * groups.length);
  data.writeUInt16BE(12, 0);
  data.writeUInt32BE(data.length, 4);
  data.writeUInt32BE(groups.length, 12);
  groups.forEach(([start, end, glyph], index) => {
    data.writeUInt32BE(start, 16 + 12 * index);
    data.writeUInt32BE(end, 20 + 12 * index);
    data.writeUInt32BE(glyph, 24 + 12 * index);
  });
  return data;
}

/** The code points of `map` that alias a glyph another code point reaches too. */
export function aliasedCodePoints(map: ReadonlyMap<number, number>): number[] {
  const reached = new Set<number>();
  for (const [codePoint, glyph] of map) if (!isAliasRange(codePoint)) reached.add(glyph);
  return [...map]
    .filter(([codePoint, glyph]) => isAliasRange(codePoint) && reached.has(glyph))
    .map(([codePoint]) => codePoint);
}

/**
 * The font with a character map of one format 12 subtable (Unicode, full repertoire) without the
 * aliases, plus the font's variation sequences (format 14) as they were. The format 4 (BMP only)
 * subtables go: format 12 covers the same characters, and FreeType and HarfBuzz prefer it.
 */
export function withoutAliasedRadicals(font: Buffer): { font: Buffer; removed: number } {
  const { version, tables } = readTables(font);
  const cmapTable = tables.find((table) => table.tag === 'cmap');
  if (!cmapTable) throw new Error('the font has no cmap table');
  const subtables = readSubtables(cmapTable.data);
  const full = subtables.find((subtable) => subtable.data.readUInt16BE(0) === 12);
  if (!full) throw new Error('the font has no format 12 cmap subtable');
  const map = format12Map(full.data);
  const removed = aliasedCodePoints(map);
  for (const codePoint of removed) map.delete(codePoint);
  const unicode = format12(map);
  const variations = subtables.find((subtable) => subtable.data.readUInt16BE(0) === 14);
  const records: [number, number, Buffer][] = [
    [0, 4, unicode],
    ...(variations ? [[0, 5, variations.data] as [number, number, Buffer]] : []),
    [3, 10, unicode],
  ];
  const header = Buffer.alloc(4 + 8 * records.length);
  header.writeUInt16BE(0, 0);
  header.writeUInt16BE(records.length, 2);
  const unicodeOffset = header.length;
  const variationsOffset = unicodeOffset + unicode.length;
  records.forEach(([platform, encoding, data], index) => {
    header.writeUInt16BE(platform, 4 + 8 * index);
    header.writeUInt16BE(encoding, 6 + 8 * index);
    header.writeUInt32BE(data === unicode ? unicodeOffset : variationsOffset, 8 + 8 * index);
  });
  const cmap = Buffer.concat([header, unicode, ...(variations ? [variations.data] : [])]);
  const rewritten = tables.map((table) =>
    table.tag === 'cmap' ? { tag: 'cmap', data: cmap } : table,
  );
  return { font: writeFont(version, rewritten), removed: removed.length };
}

/** The code point → glyph map of a font's format 12 subtable (for tests). */
export function unicodeMapOf(font: Buffer): Map<number, number> {
  const cmapTable = readTables(font).tables.find((table) => table.tag === 'cmap');
  const full =
    cmapTable && readSubtables(cmapTable.data).find((s) => s.data.readUInt16BE(0) === 12);
  if (!full) throw new Error('the font has no format 12 cmap subtable');
  return format12Map(full.data);
}
