import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/core';
// The build swaps this for metadata sliced to the deployment's countries (scripts/phone-metadata.mjs).
import metadata from 'libphonenumber-js/min/metadata';

export type PhoneCheck =
  | { ok: true; e164: string; display: string }
  | { ok: false; problem: 'phoneRequired' | 'phoneInvalid' };

/**
 * Checks what a caller typed against the numbering plan of `countries[0]`: a valid number gives
 * its E.164 form (what the server is sent) and its national form (what the caller is shown).
 * When the campaign allows a country whose metadata was not bundled, the server alone checks.
 */
export function checkPhone(input: string, countries: readonly [string, ...string[]]): PhoneCheck {
  const text = input.trim();
  if (!text) return { ok: false, problem: 'phoneRequired' };
  const country = countries[0] as CountryCode;
  if (!countries.every((c) => isSupportedCountry(c as CountryCode, metadata))) {
    const digits = text.replace(/\D/g, '');
    return digits.length < 7 ? { ok: false, problem: 'phoneInvalid' } : { ok: true, e164: text[0] === '+' ? `+${digits}` : text, display: text };
  }
  const parsed = parsePhoneNumberFromString(text, country, metadata);
  // Whether the campaign takes numbers from the number's country is the server's to say (it answers invalid_phone).
  if (!parsed?.isValid()) return { ok: false, problem: 'phoneInvalid' };
  return { ok: true, e164: parsed.number, display: parsed.country === country ? parsed.formatNational() : parsed.formatInternational() };
}
