import type { Meta } from './api.ts';

/** A referral code as the server takes it; anything else is dropped, so a mangled link never fails a call. */
export const validRef = (ref?: string | null) => (ref && /^[\w-]{1,64}$/.test(ref) ? ref : undefined);

/**
 * Host-page metadata within the server's limits: at most 20 keys of up to 40 letters, digits, `_` or
 * `-` (starting with a letter), strings cut to 200 characters, only strings, finite numbers and
 * booleans. What does not fit is left out rather than failing the call. Earlier sources win, so pass
 * the `meta` property before the `data-*` attributes.
 */
export function cleanMeta(...sources: (object | undefined)[]): Meta | undefined {
  const meta: Meta = Object.create(null);
  let keys = 0;
  for (const [key, value] of sources.flatMap((source) => Object.entries(source ?? {}))) {
    if (key in meta || !/^[a-z][\w-]{0,39}$/i.test(key) || keys >= 20) continue;
    if (typeof value === 'string') meta[key] = value.slice(0, 200);
    else if (typeof value === 'boolean' || Number.isFinite(value)) meta[key] = value as number | boolean;
    else continue;
    keys++;
  }
  return keys ? meta : undefined;
}
