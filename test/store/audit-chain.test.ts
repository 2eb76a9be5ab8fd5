/**
 * The hash chain on its own (no database): whatever single row is changed, deleted or inserted,
 * verification fails and points at the right seq.
 */
import fc from 'fast-check';
import {
  AuditChainVerifier,
  GENESIS_HASH,
  auditEntryHash,
  type AuditFields,
} from '../../src/store/audit-chain';
import type { AuditEntry, AuditVerification } from '../../src/store/types';

function chain(length: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq += 1) {
    const fields: AuditFields = {
      seq,
      at: new Date(Date.UTC(2026, 10, 27, 10, seq)).toISOString(),
      actorId: `user-${seq % 3}`,
      action: seq % 2 ? 'quote.created' : 'quote.submit',
      quoteNumber: `Q-2026-${String(seq).padStart(6, '0')}`,
      ruleSetHash: null,
      detail: { contractValue: `${seq}00.10`, nested: { z: 1, a: [seq, 'x'] } },
      prevHash,
    };
    const hash = auditEntryHash(fields);
    entries.push({ ...fields, hash });
    prevHash = hash;
  }
  return entries;
}

function verify(entries: AuditEntry[], head: { seq: number; hash: string }): AuditVerification {
  const verifier = new AuditChainVerifier();
  for (const entry of entries) verifier.check(entry);
  return verifier.finish(head);
}

const headOf = (entries: AuditEntry[]) => ({
  seq: entries.at(-1)!.seq,
  hash: entries.at(-1)!.hash,
});

test('an intact chain verifies, and the hash ignores key order in the detail', () => {
  const entries = chain(5);
  expect(verify(entries, headOf(entries))).toEqual({
    ok: true,
    checked: 5,
    problems: [],
    head: headOf(entries),
  });
  const reordered = {
    ...entries[2]!,
    detail: { nested: { a: [3, 'x'], z: 1 }, contractValue: '300.10' },
  };
  expect(auditEntryHash(reordered)).toBe(entries[2]!.hash);
  expect(verify([], { seq: 0, hash: GENESIS_HASH }).ok).toBe(true);
});

test('any change to any field of any entry is caught at that entry', () => {
  const fields = ['at', 'actorId', 'action', 'quoteNumber', 'ruleSetHash', 'detail'] as const;
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 12 }),
      fc.nat(),
      fc.constantFrom(...fields),
      fc.string(),
      (length, pick, field, value) => {
        const entries = chain(length);
        const index = pick % length;
        const original = entries[index]!;
        const changed = { ...original, [field]: field === 'detail' ? { value } : value };
        fc.pre(JSON.stringify(changed) !== JSON.stringify(original));
        entries[index] = changed;
        const result = verify(entries, headOf(chain(length)));
        expect(result.ok).toBe(false);
        expect(result.problems[0]!.seq).toBe(index + 1);
      },
    ),
  );
});

test('a deleted entry is caught where it was, wherever it was', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 12 }), fc.nat(), (length, pick) => {
      const intact = chain(length);
      const index = pick % length;
      const entries = intact.filter((_, position) => position !== index);
      const result = verify(entries, headOf(intact));
      expect(result.ok).toBe(false);
      expect(result.problems.map((problem) => problem.seq)).toEqual([index + 1]);
    }),
  );
});

test('a forged entry appended with a correct hash is caught by the recorded head', () => {
  const intact = chain(4);
  const forged: AuditFields = {
    ...intact[3]!,
    seq: 5,
    actorId: 'mallory',
    prevHash: intact[3]!.hash,
  };
  const result = verify([...intact, { ...forged, hash: auditEntryHash(forged) }], headOf(intact));
  expect(result.problems).toEqual([
    {
      seq: 5,
      message: 'entries after 4 were not appended by the service (inserted)',
      text: { key: 'audit.beyondHead', params: { seq: 4 } },
    },
  ]);
});

test('rewriting an entry and its hash is caught at the next link', () => {
  const entries = chain(6);
  const rewritten: AuditFields = { ...entries[2]!, actorId: 'mallory' };
  entries[2] = { ...rewritten, hash: auditEntryHash(rewritten) };
  expect(verify(entries, headOf(entries)).problems).toEqual([
    {
      seq: 4,
      message:
        'entry 4 does not link to entry 3 (the earlier entry was rewritten, or this one was inserted)',
      text: { key: 'audit.unlinked', params: { seq: 4, previous: 3 } },
    },
  ]);
});
