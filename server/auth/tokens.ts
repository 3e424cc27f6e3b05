import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, URL-safe, behind a prefix that says what it is (`cpk_` keys, `cpi_` invites). */
export const newToken = (prefix = '') => prefix + randomBytes(32).toString('base64url');

/** Short random ids for rows people see (`key_…`, `mem_…`). */
export const newId = (prefix: string) => `${prefix}_${randomBytes(8).toString('base64url').replace(/[-_]/g, 'x')}`;

/** Tokens are 256 random bits, so a plain SHA-256 is enough to keep them out of the store. */
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');
