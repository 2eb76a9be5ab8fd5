/**
 * A rule set's life (issue 13): pushed as a `draft`, `published` when it goes live, `retired` when
 * another one replaces it. Exactly one is published per store; a retired one may be published
 * again (a rollback does that).
 */
export const RULE_SET_STATES = ['draft', 'published', 'retired'] as const;
export type RuleSetState = (typeof RULE_SET_STATES)[number];

/** How a rule set went live: published by hand, or a rollback to the one live before. */
export const PUBLICATION_KINDS = ['publish', 'rollback'] as const;
export type PublicationKind = (typeof PUBLICATION_KINDS)[number];

/**
 * A publication waits for its `effectiveFrom` (`scheduled`), then takes effect (`done`), unless a
 * pricing manager calls it off before then (`cancelled`).
 */
export const PUBLICATION_STATUSES = ['scheduled', 'done', 'cancelled'] as const;
export type PublicationStatus = (typeof PUBLICATION_STATUSES)[number];
