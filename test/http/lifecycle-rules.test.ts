/**
 * The lifecycle and approval rules as pure functions: every state × action, written out by hand,
 * and the one rule the API cannot reach with fixed roles (nobody decides their own quote).
 */
import { QUOTE_ACTIONS, isExpired, planTransition, validUntil } from '../../src/quotes/lifecycle';
import { assertMayDecide } from '../../src/quotes/policy';
import { QUOTE_STATES } from '../../src/domain';

/** Where each action takes a pricing-manager-level quote from each state; '-' is a 409. */
/** No action leaves the state. */
const NONE: Record<string, string> = {
  submit: '-',
  approve: '-',
  reject: '-',
  issue: '-',
  accept: '-',
  decline: '-',
  withdraw: '-',
};

const EXPECTED: Record<string, Record<string, string>> = {
  draft: {
    submit: 'pending-approval',
    approve: '-',
    reject: '-',
    issue: '-',
    accept: '-',
    decline: '-',
    withdraw: 'withdrawn',
  },
  'pending-approval': {
    submit: '-',
    approve: 'approved',
    reject: 'rejected',
    issue: '-',
    accept: '-',
    decline: '-',
    withdraw: 'withdrawn',
  },
  approved: { ...NONE, issue: 'issued' },
  issued: { ...NONE, accept: 'accepted', decline: 'declined' },
  accepted: NONE,
  declined: NONE,
  expired: NONE,
  rejected: NONE,
  superseded: NONE,
  withdrawn: NONE,
};

describe('lifecycle transitions', () => {
  it.each(QUOTE_STATES.flatMap((state) => QUOTE_ACTIONS.map((action) => [state, action] as const)))(
    '%s --%s-->',
    (state, action) => {
      const plan = planTransition(action, state, 'pricing-manager');
      expect(plan.ok ? plan.to : '-').toBe(EXPECTED[state]![action]);
      if (!plan.ok) expect(plan.state).toBe(state);
    },
  );

  it.each([
    ['auto', 'approved'],
    ['pricing-manager', 'pending-approval'],
    ['finance-director', 'pending-approval'],
    ['rejected', 'rejected'],
  ] as const)('submitting a %s quote makes it %s (§8)', (level, state) => {
    expect(planTransition('submit', 'draft', level)).toMatchObject({ ok: true, to: state });
  });

  it('expires only open quotes, and only after validUntil', () => {
    const created = new Date('2026-11-27T09:00:00.000Z');
    const until = validUntil(created, 30).toISOString();
    expect(until).toBe('2026-12-27T09:00:00.000Z');
    const at = (iso: string) => new Date(iso);
    expect(isExpired({ state: 'issued', validUntil: until }, at(until))).toBe(false);
    expect(isExpired({ state: 'issued', validUntil: until }, at('2026-12-27T09:00:00.001Z'))).toBe(
      true,
    );
    expect(
      isExpired({ state: 'accepted', validUntil: until }, at('2027-06-01T00:00:00.000Z')),
    ).toBe(false);
    expect(
      isExpired({ state: 'rejected', validUntil: until }, at('2027-06-01T00:00:00.000Z')),
    ).toBe(false);
  });
});

describe('who may decide a quote (§8)', () => {
  const quote = {
    number: 'Q-2026-000007',
    approvalLevel: 'pricing-manager' as const,
    accountManagerId: 'u-1',
  };

  it('refuses the quote’s own creator even with the right role', () => {
    expect(() => assertMayDecide({ id: 'u-1', role: 'finance-director' }, quote)).toThrow(
      /created by you/,
    );
    expect(() => assertMayDecide({ id: 'u-2', role: 'finance-director' }, quote)).not.toThrow();
  });

  it('needs the role the level names', () => {
    const director = { ...quote, approvalLevel: 'finance-director' as const };
    expect(() => assertMayDecide({ id: 'u-2', role: 'pricing-manager' }, director)).toThrow(
      /finance-director/,
    );
    expect(() => assertMayDecide({ id: 'u-2', role: 'admin' }, quote)).toThrow();
    expect(() =>
      assertMayDecide({ id: 'u-2', role: 'finance-director' }, { ...quote, approvalLevel: 'auto' }),
    ).toThrow(/nobody decides it by hand/);
  });
});
