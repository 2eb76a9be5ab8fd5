/** The web workspace's templates: every word from the locale files, every value escaped. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPLATES_DIR } from '../../src/proposals/html';
import { localeKeys } from '../../src/proposals/locale';

const WEB_DIR = join(TEMPLATES_DIR, 'web');
const files = [
  ...readdirSync(WEB_DIR)
    .filter((name) => name.endsWith('.hbs'))
    .map((name) => join(WEB_DIR, name)),
  ...readdirSync(join(WEB_DIR, 'partials')).map((name) => join(WEB_DIR, 'partials', name)),
];

describe('the web templates', () => {
  it('leave no literal words: every word is in both locale files', () => {
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
        .replace(/\{\{!--[\s\S]*?--\}\}/g, '')
        .replace(/\{\{[\s\S]*?\}\}/g, '')
        .replace(/<[^>]*>/g, '');
      expect({ file, words: text.match(/[\p{L}]{2,}/gu) ?? [] }).toEqual({ file, words: [] });
    }
  });

  it('print every value escaped: no triple-stash, no inline script, style or event handler', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect({ file, tripleStash: text.includes('{{{') }).toEqual({ file, tripleStash: false });
      expect({ file, script: /<script(?![^>]*\bsrc=)/.test(text) }).toEqual({
        file,
        script: false,
      });
      expect({ file, inline: /\s(style|on[a-z]+)=/.test(text) }).toEqual({ file, inline: false });
    }
  });

  it('use only words the locale files have, in both languages', () => {
    const keys = new Set(localeKeys(TEMPLATES_DIR, 'zh-CN'));
    expect(localeKeys(TEMPLATES_DIR, 'en')).toEqual(localeKeys(TEMPLATES_DIR, 'zh-CN'));
    for (const file of files) {
      const used = [...readFileSync(file, 'utf8').matchAll(/\{\{t "([\w.-]+)"/g)].map(
        (match) => match[1]!,
      );
      expect({ file, missing: used.filter((key) => !keys.has(key)) }).toEqual({
        file,
        missing: [],
      });
    }
  });
});
