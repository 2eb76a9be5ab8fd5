/**
 * The documents' Chinese faces: Noto Sans SC Regular and Bold, static TrueType (glyf) fonts from
 * the npm package @expo-google-fonts/noto-sans-sc. Skia embeds only glyf fonts as CID fonts (CFF
 * outlines such as Debian's Noto CJK, and any synthesised bold, become Type 3 fonts), and Debian
 * packages no Hei (sans) Chinese face with a real bold in glyf outlines; this package ships Google
 * Fonts' glyf instances, one file per weight.
 *
 * Chromium finds them through fontconfig, so the page still names them with local() and loads
 * nothing: the browser is launched with FONTCONFIG_FILE pointing at a configuration that includes
 * the machine's own and adds one folder holding the two weights, each with its character map
 * rewritten so that the PDF's text says 月, not the radical ⽉ (./font-cmap.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { withoutAliasedRadicals } from './font-cmap';

const PACKAGE = '@expo-google-fonts/noto-sans-sc';
/** The weights the templates ask for (templates/fonts.css); the package's other seven stay unread. */
const CHINESE_FACES = ['400Regular/NotoSansSC_400Regular.ttf', '700Bold/NotoSansSC_700Bold.ttf'];
/** Changes when the rewriting does, so that an older rewrite is never reused. */
const REWRITE_VERSION = 1;

/** The package's fonts as shipped. */
export function shippedChineseFonts(): string[] {
  const root = dirname(require.resolve(`${PACKAGE}/package.json`));
  return CHINESE_FACES.map((face) => join(root, face));
}

/** Writes `data` to `path` whole or not at all (processes may race to write the same file). */
function writeWhole(path: string, data: string | Buffer): void {
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, data);
  renameSync(partial, path);
}

/**
 * The folder with the rewritten fonts, made on first use under the temporary folder and named
 * after the package's version and the rewrite, so that every process of one install shares it.
 */
export function chineseFontDir(): string {
  const root = dirname(require.resolve(`${PACKAGE}/package.json`));
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  const dir = join(tmpdir(), `groupquote-fonts-${version}-${REWRITE_VERSION}`);
  mkdirSync(dir, { recursive: true });
  for (const source of shippedChineseFonts()) {
    const target = join(dir, source.slice(source.lastIndexOf('/') + 1));
    if (!existsSync(target)) writeWhole(target, withoutAliasedRadicals(readFileSync(source)).font);
  }
  return dir;
}

const xmlText = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A fontconfig configuration: the one in force (`base`) plus `dirs`. */
export function fontconfigWith(dirs: readonly string[], base: string): string {
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
    '<fontconfig>',
    `  <include ignore_missing="yes">${xmlText(base)}</include>`,
    ...dirs.map((dir) => `  <dir>${xmlText(dir)}</dir>`),
    '</fontconfig>',
    '',
  ].join('\n');
}

let configPath: string | undefined;

/**
 * The environment Chromium is launched with: this process's, with FONTCONFIG_FILE naming a
 * configuration that adds the Chinese faces (the machine's configuration by default, or the one
 * FONTCONFIG_FILE already names). Written once, under a name derived from its content.
 */
export function chromiumEnv(): Record<string, string | undefined> {
  if (configPath === undefined) {
    const base = process.env.FONTCONFIG_FILE ?? '/etc/fonts/fonts.conf';
    const config = fontconfigWith([chineseFontDir()], base);
    const digest = createHash('sha256').update(config).digest('hex').slice(0, 16);
    const path = join(tmpdir(), `groupquote-fonts-${digest}.conf`);
    if (!existsSync(path)) writeWhole(path, config);
    configPath = path;
  }
  return { ...process.env, FONTCONFIG_FILE: configPath };
}
