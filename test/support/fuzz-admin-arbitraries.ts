import fc from 'fast-check';
import { anyText, encodeText, extraEntry, idSegment, junkText, objectText, VALID_PHONES } from './fuzz-arbitraries.ts';

/**
 * Generators for the admin API fuzz (test/e2e/fuzz-admin.test.ts): ids, numbers, days and zones, and
 * the bodies organisers send, mostly valid with hostile text so that many reach the store, the rest
 * with a field or two made junk.
 */

/** Numbers as text that `Number()` reads loosely, or that no integer column holds. */
const NUMBER_TEXTS = [
  '0', '1', '2', '-1', '1.5', '1.0', '01', '+1', ' 1', '0x10', '0b1', '1e3', '1e+308', '1e309', '-0', 'NaN', 'Infinity', '-Infinity',
  '2147483647', '2147483648', '9007199254740991', '9007199254740993', '9223372036854775807', '9223372036854775808', '99999999999999999999',
];
export const numberText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NUMBER_TEXTS) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 30 }).map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
);

/** An id in an admin path: the public junk, numbers, traversal, other scripts' digits, very long. */
export const adminIdSegment = fc.oneof(
  { weight: 3, arbitrary: idSegment },
  { weight: 3, arbitrary: numberText.map(encodeText) },
  { weight: 1, arbitrary: fc.constantFrom('..', '.', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..%2F..%2Fblocks', '..%5C..%5C', '%EF%BC%91', '%D9%A1', '%F0%9D%9F%98', 'demo%2Fstats') },
  { weight: 1, arbitrary: fc.constantFrom('9', 'x', '%00').chain((char) => fc.integer({ min: 1_000, max: 70_000 }).map((times) => char.repeat(times))) },
);

/** Days for `?from=&to=`: real ones at the calendar's edges, near misses, years JavaScript has and PostgreSQL does not. */
export const dayText = fc.oneof(
  fc.constantFrom('2025-03-01', '0000-01-01', '0001-01-01', '9999-12-31', '2024-02-29', '2025-02-29', '2025-13-01', '2025-00-10', '+275760-09-13', '-000001-01-01', '2025-3-1', '20250301', '2025-03-01T00:00:00Z'),
  fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10)),
);

/** Time zones: every one this runtime knows (the store may not), aliases, offsets and junk. */
export const zoneText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...Intl.supportedValuesOf('timeZone')) },
  { weight: 1, arbitrary: fc.constantFrom('UTC', 'utc', 'Etc/GMT+12', 'Etc/GMT-14', 'EST5EDT', 'Factory', 'posixrules', 'localtime', 'GMT0', 'US/Pacific-New', '+05:00', '-23:59', 'Z', 'America/Ciudad_Juarez', 'Europe/Kyiv', 'Asia/Calcutta', 'Mars/Olympus_Mons', '../../etc/passwd') },
);

/** Any JSON value in the wrong place: numbers past every limit, wrong types, junk text. */
const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: anyText },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, 0, -1, 0.5, 1e308, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), [], {}, '', [null], { '': 1 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

const some = <T>(...values: T[]) => fc.constantFrom(...values);
const slug = fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,62}$/), some('demo', 'fuzz', 'sample'));
/** Text a field takes (not blank, not too long) that is still hostile: NUL, lone surrogates, controls, formulas. */
const fieldText = fc.oneof(
  some('Clerk', 'Oficina Três', 'Smith, Jane "JJ"', '=HYPERLINK("x")', 'a;b', '😀', 'a\u0000b', 'x\ud800', '\udfffy', '\u202eevil', '<script>alert(1)</script>', '{{7*7}}'),
  junkText(60).filter((text) => text.trim() !== ''),
);
const setOf = <T>(...values: T[]) => fc.subarray(values, { minLength: 1 });

const customTarget = fc.record(
  {
    id: slug, name: fieldText, title: fieldText, phone: some('+12125550100', '+12125550111', '(212) 555-0122', '212.555.0133'), extension: some('123', '1w2#', '*9'),
    // Routing by place: one of these is valid, more than one is refused.
    state: some('VT', 'ca', 'ZZ'), district: some('CA-12', 'vt at-large', 'CA-99', 'nope'), zips: fc.array(some('05401', '94110', '9411', '00000'), { maxLength: 4 }),
  },
  { requiredKeys: ['name', 'phone'] },
);

/** A campaign the API should accept, or nearly: every setting within its rules, the text hostile. */
const validCampaign = fc.record(
  {
    id: slug,
    name: fieldText,
    status: some('active', 'paused', 'archived'),
    callInNumber: some('+12025550199', '+12025550198', null),
    script: fieldText,
    locale: some('en', 'es'),
    countries: setOf('US', 'CA', 'GB'),
    prompts: fc.dictionary(some('intro', 'thanks', 'welcome', 'askZip'), fieldText, { maxKeys: 3 }),
    limits: fc.record({ perPhonePerDay: fc.integer({ min: 1, max: 100 }), perIpPerHour: fc.integer({ min: 1, max: 100_000 }) }, { requiredKeys: [] }),
    pressOneGate: fc.boolean(),
    fallbackOffices: fc.integer({ min: 0, max: 5 }),
    preferAnsweringOffices: fc.boolean(),
    askOutcome: fc.boolean(),
    callAgain: fc.record(
      { days: setOf(1, 2, 3, 4, 5, 6, 7), from: fc.integer({ min: 0, max: 11 }), to: fc.integer({ min: 12, max: 24 }), everyDays: fc.integer({ min: 1, max: 60 }), timeZone: zoneText },
      { requiredKeys: [] },
    ),
    callerId: some('+12025550100'),
    callerIdMode: some('campaign', 'supporter'),
    nextStep: fc.record({ kind: some('share', 'link', 'redirect', 'again'), url: some('https://example.org/next'), text: fieldText }, { requiredKeys: ['kind', 'url'] }),
    strings: fc.dictionary(some('submit', 'es.submit', 'title'), fieldText, { maxKeys: 3 }),
    webhook: fc.record(
      { url: some('https://example.org/hooks/call-power', 'https://crm.example.net:8443/in?token=x'), secret: some('s'.repeat(24)), events: setOf('call.started', 'leg.completed', 'call.completed'), includePhone: fc.boolean() },
      { requiredKeys: ['url'] },
    ),
    targets: fc.record(
      {
        congress: some('both', 'senate', 'house'),
        only: fc.array(some('S000033', 'A000360'), { maxLength: 2 }),
        customPlacement: some('before', 'after', 'instead', 'fallback'),
        order: some('in-order', 'shuffle', 'senate-first', 'house-first'),
        party: fc.record({ party: some('D', 'R', 'I'), mode: some('first', 'only') }),
        max: fc.integer({ min: 1, max: 20 }),
        office: some('dc', 'district'),
        split: some('ask', 'all', 'senate'),
        custom: fc.array(customTarget, { maxLength: 4 }),
      },
      { requiredKeys: ['congress'] },
    ),
  },
  { requiredKeys: ['name', 'targets'] },
);

/** Fields (dotted into nested ones) where a mutation puts junk. */
const CAMPAIGN_PATHS = [
  'id', 'name', 'status', 'callInNumber', 'script', 'locale', 'countries', 'countries.0', 'prompts', 'prompts.intro', 'prompts.__proto__', 'limits', 'limits.perIpPerHour',
  'pressOneGate', 'callAgain', 'callAgain.days', 'callAgain.from', 'callAgain.timeZone', 'callerId', 'callerIdMode', 'nextStep', 'nextStep.url', 'strings', 'strings.submit', 'webhook', 'webhook.url',
  'webhook.secret', 'webhook.events', 'targets', 'targets.congress', 'targets.only', 'targets.max', 'targets.party', 'targets.custom', 'targets.custom.0', 'targets.custom.0.phone',
  'targets.custom.0.id', 'targets.custom.1.extension', 'targets.custom.0.state', 'targets.custom.0.district', 'targets.custom.0.zips', 'targets.custom.0.zips.0',
  'fallbackOffices', 'preferAnsweringOffices',
];

/** A copy of `object` with `value` at each dotted path (made as it goes; `__proto__` as an own key). */
function mutated(object: Record<string, unknown>, changes: readonly [path: string, value: unknown][]) {
  const copy = structuredClone(object);
  for (const [path, value] of changes) {
    const keys = path.split('.');
    let at: Record<string, unknown> = copy;
    for (const key of keys.slice(0, -1)) {
      const next = Object.hasOwn(at, key) ? at[key] : undefined;
      if (typeof next !== 'object' || next === null) Object.defineProperty(at, key, { value: {}, enumerable: true, writable: true, configurable: true });
      at = at[key] as Record<string, unknown>;
    }
    Object.defineProperty(at, keys.at(-1)!, { value, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** Valid objects, with up to two fields made junk and a poison key or junk entry now and then. */
const mutatedBody = (valid: fc.Arbitrary<Record<string, unknown>>, paths: readonly string[]) =>
  fc
    .tuple(valid, fc.array(fc.tuple(fc.constantFrom(...paths), junkValue), { maxLength: 2, size: 'xsmall' }), fc.array(extraEntry, { maxLength: 1, size: 'xsmall' }))
    .map(([object, changes, extras]) => objectText([...extras, ...Object.entries(mutated(object, changes))]));

/** Bodies as sent, truncated or wrapped now and then, or not JSON at all. */
const sentJson = (body: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 8, arbitrary: body },
    { weight: 1, arbitrary: fc.tuple(body, fc.nat(), fc.constantFrom('cut', 'array', 'bom')).map(([text, at, how]) => ({ cut: text.slice(0, at % (text.length + 1)), array: `[${text}]`, bom: `\ufeff${text}` })[how]) },
    { weight: 1, arbitrary: fc.oneof(anyText, fc.constantFrom('', 'null', '[]', '{', '{"name":', '{"__proto__":{"polluted":true}}')) },
  );

/** `POST /campaigns` and `PATCH /campaigns/:id`. */
export const campaignBody = sentJson(mutatedBody(validCampaign, CAMPAIGN_PATHS));
/** `POST /campaigns/:id/copy`. */
export const copyBody = sentJson(mutatedBody(fc.record({ id: slug, name: fieldText }, { requiredKeys: [] }), ['id', 'name']));

const instant = fc.oneof(
  some('2030-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '2030-01-01T00:00:00+14:00', '2030-01-01T00:00:00-23:59', '1970-01-01T00:00:00.000000001Z'),
  fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString()),
);
/** Near misses: `expiresAt` in year 0, on impossible days and times, in other formats; IP rules that are not quite. */
const NEAR_INSTANTS = ['0000-01-01T00:00:00Z', '2025-02-30T00:00:00Z', '+275760-09-13T00:00:00Z', '2030-01-01', '2030-01-01T24:00:00Z', '2030-01-01T00:00:60Z', '2030-01-01T00:00:00+24:00'];
const NEAR_RULES = ['203.0.113.0/33', '203.0.113.0/-1', '203.0.113.0/1e1', '203.0.113.0/08', '999.1.1.1', '203.0.113.0/24/8', '::ffff:999.1.1.1', 'fe80::1%eth0'];
const validBlock = fc.oneof(
  fc.record({ phone: fc.constantFrom(...VALID_PHONES), reason: fieldText, expiresAt: instant }, { requiredKeys: ['phone'] }),
  fc.record(
    { ip: some('203.0.113.9', '203.0.113.0/24', '2001:db8::/32', '0.0.0.0/0', '::/0', '::ffff:198.51.100.1', '203.0.113.0/32'), reason: fieldText, expiresAt: instant },
    { requiredKeys: ['ip'] },
  ),
);
/** `POST /blocks`. */
export const blockBody = sentJson(
  fc.oneof(
    { weight: 3, arbitrary: mutatedBody(validBlock, ['phone', 'ip', 'reason', 'expiresAt']) },
    { weight: 1, arbitrary: fc.tuple(validBlock, fc.constantFrom(...NEAR_INSTANTS)).map(([block, expiresAt]) => objectText(Object.entries({ ...block, expiresAt }))) },
    { weight: 1, arbitrary: fc.constantFrom(...NEAR_RULES).map((ip) => objectText([['ip', ip]])) },
  ),
);

/** One CSV cell: plain, quoted, broken quoting, formula, NUL, other scripts. */
const csvCell = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(fieldText, fc.constantFrom(...VALID_PHONES, '+12125550100', '123', 't1')) },
  { weight: 1, arbitrary: fieldText.map((text) => `"${text.replaceAll('"', '""')}"`) },
  { weight: 1, arbitrary: fc.constantFrom('"', '"a"b', 'a"b', '""', '\u0000', '\r', '=1+1', ' ', '\ufeff') },
);
const CSV_HEADERS = ['name,phone', 'id,name,title,phone,extension', 'name,phone,state', 'name,phone,district,zips', 'NAME , Phone', 'name;phone', '\ufeffname,phone', 'name,phone,bogus', 'phone', 'name,name,phone', '', '"name","phone"'];

/** `POST /campaigns/:id/targets.csv`: a header and rows of cells, or not CSV at all. */
export const targetsCsvBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.constantFrom(...CSV_HEADERS), fc.array(fc.array(csvCell, { minLength: 1, maxLength: 6 }), { maxLength: 6 }), fc.constantFrom('\n', '\r\n', '\r'))
      .map(([header, rows, newline]) => [header, ...rows.map((cells) => cells.join(','))].join(newline)),
  },
  { weight: 1, arbitrary: fc.constantFrom('name,phone\n' + 'Clerk,+12125550100\n'.repeat(1001), 'name,phone\n"unterminated,+12125550100', `name,phone\n${'x'.repeat(70_000)},+12125550100`) },
  { weight: 1, arbitrary: anyText },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
);

const role = fc.oneof({ weight: 4, arbitrary: some('viewer', 'editor', 'admin', 'owner') }, { weight: 1, arbitrary: fc.oneof(fieldText, some('OWNER', 'operator', '')) });
const email = fc.oneof({ weight: 3, arbitrary: some('a@example.org', 'B@Example.ORG', 'new@example.org') }, { weight: 1, arbitrary: fc.oneof(fieldText, some('a@', '@b', 'a@b@c', ' a@example.org ')) });
const password = fc.oneof(some('correct horse battery', 'short', ''), fieldText);

/** `POST /orgs`, `PATCH /orgs/:orgId`. */
export const orgBody = sentJson(mutatedBody(fc.record({ name: fieldText }), ['name']));
/** `POST /orgs/:orgId/keys`. */
export const keyBody = sentJson(mutatedBody(fc.record({ name: fieldText, role }), ['name', 'role']));
/** `POST /orgs/:orgId/invites`. */
export const inviteBody = sentJson(mutatedBody(fc.record({ email, role }), ['email', 'role']));
/** `PATCH /orgs/:orgId/members/:memberId`. */
export const roleBody = sentJson(mutatedBody(fc.record({ role }), ['role']));
/** `POST /session`. */
export const signInBody = sentJson(mutatedBody(fc.record({ email, password }), ['email', 'password']));
/** `PUT /me/password`. */
export const passwordBody = sentJson(mutatedBody(fc.record({ currentPassword: password, newPassword: password }), ['currentPassword', 'newPassword']));
/** `POST /invites/:token/accept`. */
export const acceptBody = sentJson(mutatedBody(fc.record({ name: fieldText, password }, { requiredKeys: ['password'] }), ['name', 'password']));
/** `PUT /orgs/:orgId/twilio`, `POST …/twilio/test`. */
export const twilioBody = sentJson(
  mutatedBody(
    fc.record(
      {
        accountSid: some(`AC${'a'.repeat(32)}`, `AC${'0'.repeat(31)}`, 'AC'),
        authToken: some('0123456789abcdef0123456789abcdef', 'short'),
        apiKeySid: some(`SK${'b'.repeat(32)}`, 'SK1'),
        apiKeySecret: some('fedcba9876543210fedcba9876543210'),
        callerId: fc.constantFrom(...VALID_PHONES, '+1202555', ''),
        cps: fc.oneof(fc.double({ noNaN: false }), fc.integer()),
      },
      { requiredKeys: ['accountSid', 'authToken', 'callerId'] },
    ),
    ['accountSid', 'authToken', 'apiKeySid', 'apiKeySecret', 'callerId', 'cps'],
  ),
);
