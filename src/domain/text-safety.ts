import { z } from 'zod';

/**
 * Characters refused in any text a client sends (names, ids, query parameters):
 * - C0 and C1 control characters (U+0000–U+001F, U+007F–U+009F): a NUL cannot be stored in
 *   PostgreSQL text at all, and the rest break log lines, CSV exports and printed proposals;
 * - bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they make a
 *   name display in an order other than the one stored, so a proposal could show a customer a
 *   name that is not the one on the quote (the "Trojan Source" spoof);
 * - unpaired surrogates (U+D800–U+DFFF on their own): they are not Unicode text and have no UTF-8
 *   form, so a store would keep something other than what was sent.
 * Everything else (any script, emoji, the ordinary marks U+200E/U+200F) is accepted.
 */
// Without the `u` flag a regular expression sees UTF-16 code units, so a surrogate is unpaired
// when no partner stands beside it.
const FIRST_UNSAFE =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What the first refused character of `text` is and where, or undefined when there is none. */
export function unsafeCharacterIn(
  text: string,
): { codePoint: string; index: number; kind: string } | undefined {
  const match = FIRST_UNSAFE.exec(text);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0);
  const kind =
    code >= 0xd800 && code <= 0xdfff
      ? 'an unpaired surrogate'
      : code >= 0x202a
        ? 'a bidirectional control'
        : 'a control character';
  return {
    codePoint: `U+${code.toString(16).toUpperCase().padStart(4, '0')}`,
    index: match.index,
    kind,
  };
}

/** Whether `text` holds none of the characters refused in client text. */
export function isSafeText(text: string): boolean {
  return !FIRST_UNSAFE.test(text);
}

/**
 * A zod check refusing control characters, bidirectional controls and unpaired surrogates, with a
 * message naming the first one found: `z.string().max(64).check(safeTextCheck)`.
 */
export const safeTextCheck = z.superRefine((text: string, context) => {
  const unsafe = unsafeCharacterIn(text);
  if (!unsafe) return;
  context.addIssue({
    code: 'custom',
    input: text,
    message: `must not contain control characters, bidirectional controls or unpaired surrogates (found ${unsafe.kind}, ${unsafe.codePoint}, at position ${unsafe.index + 1})`,
    // Its words in the locale files (errors.issues.unsafeText), for a reader of another language.
    params: {
      text: {
        key: 'issues.unsafeText',
        params: { codePoint: unsafe.codePoint, position: unsafe.index + 1 },
      },
    },
  });
});

/** Text a client may send: any string without the characters `safeTextCheck` refuses. */
export const safeText = z.string().check(safeTextCheck);
