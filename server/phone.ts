import { createHmac } from 'node:crypto';
import { type CountryCode, type NumberType, parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { ApiError } from './errors.ts';

/** Kinds of line a supporter can be rung on; everything else (premium, shared-cost, toll-free, pagers…) is refused. */
const CALLABLE: ReadonlySet<NumberType> = new Set(['FIXED_LINE', 'MOBILE', 'FIXED_LINE_OR_MOBILE', 'VOIP', undefined]);

const invalid = (message: string, field: string) => new ApiError(422, 'invalid_phone', message, field);

/**
 * Parses a number typed by a person into E.164, or throws a 422 naming `field`.
 * National formats are read in the first allowed country.
 */
export function parsePhone(input: string, allowedCountries: readonly string[], field = 'phone'): string {
  const [defaultCountry] = allowedCountries as CountryCode[];
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(input, defaultCountry);
  } catch {
    throw invalid('This is not a phone number we can call.', field);
  }
  if (!parsed.isValid()) throw invalid('This phone number is not valid.', field);
  if (!parsed.country || !allowedCountries.includes(parsed.country)) {
    throw invalid(`Only numbers in ${allowedCountries.join(', ')} can be called for this campaign.`, field);
  }
  if (!CALLABLE.has(parsed.getType())) {
    throw invalid('Premium-rate, shared-cost, toll-free and similar numbers cannot be called.', field);
  }
  return parsed.number;
}

/** Any valid number, anywhere (national formats read as US), in E.164: for organisers' own entries, such as a blocklist. */
export function normalizePhone(input: string, field = 'phone'): string {
  try {
    const parsed = parsePhoneNumberWithError(input, 'US');
    if (parsed.isValid()) return parsed.number;
  } catch {
    // fall through to the same error as an invalid number
  }
  throw invalid('This phone number is not valid.', field);
}

/** Keyed hash of an E.164 number: lets us count and limit by caller without keeping the number. */
export function hashPhone(secretKey: string, e164: string): string {
  return createHmac('sha256', secretKey).update(e164).digest('base64url');
}
