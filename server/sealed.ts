import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * What a sealed value holds; each purpose has its own key, derived from SECRET_KEY: the hashing key never
 * encrypts, this one never hashes, and a supporter's sealed number can never be opened as credentials.
 */
export type SealPurpose = 'supporter phone numbers' | 'twilio credentials';

const keyOf = (secretKey: string, purpose: SealPurpose) => Buffer.from(hkdfSync('sha256', secretKey, 'call-power', purpose, 32));

/** AES-256-GCM: `v1.<iv>.<ciphertext>.<tag>`, base64url. */
export function seal(secretKey: string, text: string, purpose: SealPurpose = 'supporter phone numbers'): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secretKey, purpose), iv);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return ['v1', iv, body, cipher.getAuthTag()].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

export function unseal(secretKey: string, sealed: string, purpose: SealPurpose = 'supporter phone numbers'): string {
  const [version, iv, body, tag] = sealed.split('.');
  if (version !== 'v1' || !iv || !body || !tag) throw new Error('not a sealed value');
  const decipher = createDecipheriv('aes-256-gcm', keyOf(secretKey, purpose), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
