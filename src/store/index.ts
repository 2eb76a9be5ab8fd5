/** The storage layer's public face: open a Store, hash and generate tokens, and the Store types. */
export { openStore, storeOptionsFromEnv, describeStoreLocation, DEFAULT_SQLITE_PATH } from './open';
export type { StoreOptions } from './open';
export { generateToken, hashToken, TOKEN_PREFIX } from './tokens';
export { formatQuoteNumber } from './quote-number';
export * from './types';
