/**
 * The vocabulary every part of groupquote shares: quote states, roles, approval levels, tiers,
 * request vocabularies, decimal strings and quote numbers. It imports nothing from the rest of
 * src/, so anything may import it.
 */
export * from './approval';
export * from './contact';
export * from './decimal';
export * from './usage';
export * from './quote-number';
export * from './quote-states';
export * from './roles';
export * from './rule-set-states';
export * from './text';
export * from './text-safety';
