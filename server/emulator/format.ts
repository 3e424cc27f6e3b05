import { randomBytes } from 'node:crypto';

export function newSid(prefix: 'CA'): string {
  return prefix + randomBytes(16).toString('hex');
}

/** Twilio's date format, e.g. `Tue, 31 Aug 2010 20:36:28 +0000`. */
export function rfc2822(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

const E164 = /^\+[1-9]\d{6,14}$/;

export function isE164(value: string): boolean {
  return E164.test(value);
}

/** `+12025554567` → `+1•••••••4567`: phone numbers are personal data. */
export function maskPhone(number: string): string {
  if (number.length <= 6) return '•'.repeat(number.length);
  return number.slice(0, 2) + '•'.repeat(number.length - 6) + number.slice(-4);
}

/** Twilio's `to_formatted`: national format for NANP numbers, E.164 otherwise. */
export function formatNumber(number: string): string {
  const nanp = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(number);
  return nanp ? `(${nanp[1]}) ${nanp[2]}-${nanp[3]}` : number;
}

/**
 * A number as `<Dial>` accepts it: E.164, or an unformatted US number such as `(415) 555-1212`
 * (https://www.twilio.com/docs/voice/twiml/number). Undefined when it is neither.
 */
export function normalizeDialed(raw: string): string | undefined {
  const text = raw.trim();
  if (isE164(text)) return text;
  const digits = text.replace(/[\s().-]/g, '');
  if (/^\d{10}$/.test(digits)) return `+1${digits}`;
  if (/^1\d{10}$/.test(digits)) return `+${digits}`;
  return undefined;
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export function shortSid(sid: string): string {
  return `${sid.slice(0, 2)}…${sid.slice(-6)}`;
}
