import fc from 'fast-check';

/**
 * Generators of hostile input for the API fuzz (test/e2e/fuzz.test.ts). The bodies for `POST …/calls`
 * are built so that none can be a call the server should accept: either the phone can never be a
 * valid number, or the phone is valid and the location never is. Anything stored is then a bug.
 */

/** Characters that trip naive code: controls, NUL, lone surrogates, bidi overrides, BOM, other scripts' digits. */
const nastyChar = fc.oneof(
  fc.constantFrom(
    '\u0000', '\u0001', '\u001b', '\u007f', '\u0085', '\u00a0', '\u2028', '\u202e', '\ufeff', '\ufffd',
    '\ud800', '\udfff', '\u0301', '😀', '𝟘', '٣', '０', '%', '\\', '"', "'", '<', '&', '#', '?', '/', ';', '=', '+', ' ', '\t', '\n', '\r',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
);

export const junkText = (maxLength = 40) =>
  fc.oneof(fc.string({ maxLength }), fc.string({ unit: nastyChar, maxLength }), fc.string({ unit: 'binary', maxLength }));

/** One character repeated far past any field's limit. */
export const hugeText = fc
  .tuple(fc.constantFrom('a', '9', '\u0000', 'é', '😀', '%', ' ', '\ud800'), fc.integer({ min: 1_000, max: 70_000 }))
  .map(([char, times]) => char.repeat(times));

/** Keys that poison objects built carelessly from input, and values interpreters like to evaluate. */
export const POISON_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'then', 'length'];
const nastyWords = [
  ...POISON_KEYS, 'NaN', 'null', 'undefined', 'true', '0', '-1', '1e309', '[]', '{}', "' OR '1'='1", '"; DROP TABLE calls; --',
  '${7*7}', '{{7*7}}', '<script>alert(1)</script>', '../../etc/passwd', '%00', '%ZZ', '\u0000',
];
export const nastyWord = fc.constantFrom(...nastyWords);

/** Any text, small or huge. */
export const anyText = fc.oneof({ weight: 6, arbitrary: junkText() }, { weight: 2, arbitrary: nastyWord }, { weight: 1, arbitrary: hugeText });

/** Keeps at most `max` characters matching `pattern`, so a generated string cannot contain a whole number. */
const keepAtMost = (pattern: RegExp, max: number) => (text: string) => {
  let kept = 0;
  return [...text].filter((char) => !pattern.test(char) || kept++ < max).join('');
};

export const VALID_PHONES = ['+18025550142', '(802) 555-0142', '802.555.0143', '+1 415 555 0123'];
export const VALID_ZIPS = ['05401', '94110', '20001', '10001', '00601', '96799', '05401-1234'];

/** Strings no phone parser reads as a US number we may call (checked by hand against the server's rules). */
const NEAR_MISS_PHONES = [
  '', ' ', '911', '+', '++', 'tel:', '555-0142', '802555014', '+1 202 555 01', '+1 (802) 555-014', '+1 802 555 0142 0142',
  '+1 900 555 0199', '1-900-555-0199', '+1 800 555 0199', '(888) 555-0100', '+1 000 000 0000', '+1-555-555-5555',
  '+44 20 7946 0958', '+33 1 23 45 67 89', '+52 55 1234 5678', '+1 787 555 0100', '+1 416 555 0123', '+999 1234567', 'ABC-DEF-GHIJ',
];

/**
 * Never a number the server may call: fewer than seven characters that could be digits (any script,
 * or keypad letters; a US number needs ten), a near miss, or longer than the 40-character limit once
 * trimmed (non-space ends keep the trim from shortening it).
 */
export const neverValidPhone = fc.oneof(
  { weight: 5, arbitrary: junkText(40).map(keepAtMost(/[\p{N}\p{L}]/u, 6)) },
  { weight: 3, arbitrary: fc.constantFrom(...NEAR_MISS_PHONES) },
  { weight: 1, arbitrary: fc.string({ minLength: 39, maxLength: 400 }).map((text) => `X${text}X`) },
  { weight: 1, arbitrary: hugeText.map((text) => `X${text}X`) },
);

/** Valid data in the wrong JSON type: the API takes strings only. */
const wrongTypes = (valid: readonly string[]) =>
  fc.oneof(
    fc.constantFrom(...valid).chain((value) =>
      fc.constantFrom<unknown>(Number(value.replace(/\D/g, '')), [value], { value }, { toString: value }, [[value]]),
    ),
    fc.constantFrom<unknown>(null, true, false, 0, -1, 1e309 /* serialises as null */, 2 ** 53 + 1, [], {}),
    fc.jsonValue({ maxDepth: 3 }).filter((value) => typeof value !== 'string'),
  );

/** Never a ZIP code: at most four ASCII digits (a ZIP needs five in a row), or not a string. */
export const neverValidZip = fc.oneof(
  { weight: 4, arbitrary: junkText(20).map(keepAtMost(/[0-9]/, 4)) },
  { weight: 2, arbitrary: fc.constantFrom('', ' ', '0540', '054O1', '0540１', 'ZIP', '-', '%00') },
  { weight: 2, arbitrary: wrongTypes(VALID_ZIPS) },
);

const anyZip = fc.oneof(neverValidZip, fc.constantFrom(...VALID_ZIPS), anyText);
const anyDistrict = fc.oneof(
  fc.constantFrom('VT-AL', 'vt at large', 'CA-11', 'ny 10', 'NY-99', 'XX-1', 'AL', '1', '-1', '', ' '),
  anyText,
  wrongTypes(['VT-AL', 'CA-11']),
);

type Entry = [key: string, value: unknown];

/** A JSON object as text, keys in the given order, duplicates kept (JSON.parse keeps the last). */
export const objectText = (entries: readonly Entry[]) =>
  `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`;

/** Extra keys that are not the request's own: poison keys carrying a whole valid request, or junk. */
export const extraEntry: fc.Arbitrary<Entry> = fc.oneof(
  fc.tuple(
    fc.constantFrom(...POISON_KEYS),
    fc.constantFrom<unknown>(
      { phone: VALID_PHONES[0], zip: VALID_ZIPS[0], polluted: true },
      { prototype: { phone: VALID_PHONES[0], zip: VALID_ZIPS[0], polluted: true } },
      { polluted: true, isAdmin: true },
      'polluted',
    ),
  ),
  fc.tuple(fc.oneof(junkText(12), nastyWord), fc.jsonValue({ maxDepth: 2 })),
);

/** `{ phone, zip?, district? }` in every wrong shape, never a phone we may call. */
const neverValidPhoneBody = fc
  .record({
    phone: fc.option(fc.oneof({ weight: 3, arbitrary: neverValidPhone }, { weight: 1, arbitrary: wrongTypes(VALID_PHONES) }), { nil: undefined }),
    zip: fc.option(anyZip, { nil: undefined }),
    district: fc.option(anyDistrict, { nil: undefined }),
    // An earlier duplicate may be valid: the last one is the one that counts.
    earlierPhone: fc.option(fc.constantFrom(...VALID_PHONES), { nil: undefined }),
    extras: fc.array(extraEntry, { maxLength: 3 }),
  })
  .map(({ phone, zip, district, earlierPhone, extras }) => {
    const entries: Entry[] = [...extras];
    if (earlierPhone !== undefined && phone !== undefined) entries.unshift(['phone', earlierPhone]);
    if (phone !== undefined) entries.push(['phone', phone]);
    if (zip !== undefined) entries.push(['zip', zip]);
    if (district !== undefined) entries.push(['district', district]);
    return entries;
  });

/** A phone we may call, with a location that can never resolve (so nothing is dialed or counted). */
const validPhoneBody = fc
  .record({
    phone: fc.constantFrom(...VALID_PHONES),
    zip: fc.option(neverValidZip, { nil: undefined }),
    district: fc.option(anyDistrict, { nil: undefined }),
    extras: fc.array(extraEntry, { maxLength: 3 }),
  })
  .map(({ phone, zip, district, extras }) => {
    const entries: Entry[] = [...extras, ['phone', phone]];
    if (zip !== undefined) entries.push(['zip', zip]);
    if (district !== undefined) entries.push(['district', district]);
    return entries;
  });

/** Request bodies for `POST /api/campaigns/:id/calls`, as the bytes sent. */
export const callBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 5, arbitrary: neverValidPhoneBody.map(objectText) },
  { weight: 3, arbitrary: validPhoneBody.map(objectText) },
  // Truncated, padded or wrapped objects; a byte-order mark; another JSON value altogether.
  {
    weight: 2,
    arbitrary: fc
      .tuple(neverValidPhoneBody.map(objectText), fc.nat(), fc.constantFrom('cut', 'trail', 'bom', 'array', 'twice'))
      .map(([text, at, how]) => ({ cut: text.slice(0, at % (text.length + 1)), trail: `${text},`, bom: `\ufeff${text}`, array: `[${text}]`, twice: text + text })[how]),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: anyText },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom('', 'null', '{}', '[]', '{"phone":', '{"phone":null}', '{"__proto__":{"polluted":true}}', 'undefined', '\u0000') },
);

/** Content types, right, wrong and malformed. */
export const contentType = fc.oneof(
  fc.constantFrom(
    'application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json; charset=utf-16', 'application/json;;',
    'application/vnd.api+json', 'text/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data',
    'multipart/form-data; boundary=----x', 'application/xml', 'text/csv', '*/*', '', 'json', 'application/json, text/plain',
  ),
  latin1Text(30),
);

/** Header values as a client may send them: Latin-1 without CR, LF or NUL (what HTTP allows on the wire). */
export function latin1Text(maxLength: number) {
  const char = fc.integer({ min: 0x20, max: 0xff }).filter((code) => code !== 0x7f).map((code) => String.fromCharCode(code));
  return fc.string({ unit: char, maxLength });
}

/** Extra request headers: forged origins and proxies, odd encodings, cookies. */
export const junkHeaders = fc.dictionary(
  fc.constantFrom('origin', 'x-forwarded-for', 'x-real-ip', 'forwarded', 'accept', 'accept-encoding', 'content-encoding', 'cookie', 'referer', 'user-agent', 'x-twilio-signature', 'last-event-id', 'if-none-match', 'range', 'x-http-method-override'),
  fc.oneof(latin1Text(60), fc.constantFrom('https://evil.example', 'null', 'gzip', 'br', '127.0.0.1', '::1', '0.0.0.0, 10.0.0.1', 'bytes=0-1', 'DELETE', 'PUT')),
  { maxKeys: 4 },
);

function percentBytes(bytes: Uint8Array): string {
  return [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`).join('');
}

/** Percent-encodes text as UTF-8 (lone surrogates become U+FFFD, unlike encodeURIComponent, which throws). */
export const encodeText = (text: string) => text.replace(/[^A-Za-z0-9\-._~]/gu, (char) => percentBytes(Buffer.from(char, 'utf8')));

/** One URL path segment standing for an id: right, near, encoded junk, bad escapes, bad UTF-8, NUL. */
export const idSegment = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('demo', 'DEMO', 'demo%20', '%64emo', 'demo%00', '%00', '%', '%%', '%zz', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%FF%FE', '%2F', '%2e%2e', '%5C', '%0D%0A', '+', ';', ';a=b', 'a;b', '\u00e9', '😀', '~', '-', '_', '.x') },
  { weight: 3, arbitrary: junkText(30).filter((text) => text.length > 0).map(encodeText) },
  { weight: 2, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 24 }).map(percentBytes) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 8_000 }).map((length) => 'x'.repeat(length)) },
);

/** A query string (with its `?`): repeated, poison and bracketed keys, bad escapes, junk values. */
export function queryString(keys: readonly string[], values: fc.Arbitrary<string>) {
  const key = fc.oneof(fc.constantFrom(...keys), fc.constantFrom('__proto__', 'constructor', '__proto__[polluted]', 'constructor[prototype][polluted]', 'zip[]', 'zip[0]', ''), junkText(8).map(encodeText));
  const pairs = fc.array(fc.tuple(key, fc.oneof(values.map(encodeText), fc.constantFrom('', '%', '%zz', '%00', '%E0%A4%A', '+', '=', '&'))), { maxLength: 6 });
  return fc.oneof(
    { weight: 5, arbitrary: pairs.map((list) => (list.length ? `?${list.map(([k, v]) => `${k}=${v}`).join('&')}` : '')) },
    { weight: 1, arbitrary: fc.constantFrom('?', '??', '?&&&', '?=', '?==', '?zip', '?zip=', '?zip=05401&zip=05401', '?zip=05401#x', '?zip=%', '?%=%', `?zip=${'9'.repeat(5000)}`) },
  );
}

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND', 'X-JUNK'] as const;

/** `usual` four times in five, else one of `others`. */
export const mostly = <T>(usual: T, others: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: others });
/** A route's own method, or now and then any other. */
export const method = (usual: string) => mostly(usual, fc.constantFrom<string>(...METHODS));
