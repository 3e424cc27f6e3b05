import { timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type CallPage, ListQueryError, listCalls } from './call-list.ts';
import { formatNumber, isE164, isHttpUrl, rfc2822 } from './format.ts';
import type { EmulatorRuntime } from './runtime.ts';
import { API_VERSION, type CallSession } from './session.ts';
import { parseMethod } from './twiml-parse.ts';
import type { TwilioError } from './types.ts';

const ACCOUNT = `/${API_VERSION}/Accounts/:accountSid`;
const CALL_FILE = /^(CA[0-9a-f]{32})\.json$/;
const ACCOUNT_FILE = /^(AC[0-9a-fA-F]{32})\.json$/;
const CALL_SUBRESOURCES = [
  'events', 'notifications', 'recordings', 'payments', 'siprec', 'streams', 'transcriptions',
  'user_defined_message_subscriptions', 'user_defined_messages',
];

/**
 * Twilio's REST surface for calls: create, list, fetch, and hang up / cancel (https://www.twilio.com/docs/voice/api/call-resource),
 * and the account itself. Each request names an account in its path and must authenticate as that account
 * (its SID and auth token, or one of its API keys), as on Twilio; each account sees only its own calls.
 */
export function restRoutes(runtime: EmulatorRuntime): Hono {
  const app = new Hono();
  const unauthenticated = (c: Context) => {
    c.header('WWW-Authenticate', 'Basic realm="Twilio API"');
    return twilioError(c, { status: 401, code: 20003, message: 'Authenticate' });
  };
  /** The account the request's Basic credentials are for (its SID and auth token, or one of its API keys). */
  const authenticated = (c: Context): string | undefined => {
    const header = c.req.header('Authorization');
    for (const { accountSid, authToken, apiKeys = {} } of runtime.accounts.values()) {
      if (credentialsMatch(header, accountSid, authToken)) return accountSid;
      if (Object.entries(apiKeys).some(([keySid, secret]) => credentialsMatch(header, keySid, secret))) return accountSid;
    }
    return undefined;
  };
  const ownCall = (c: Context) => {
    const session = findCall(runtime, c.req.param('file')!);
    return session?.call.accountSid === c.req.param('accountSid') ? session : undefined;
  };

  app.get(`/${API_VERSION}/Accounts/:file`, (c, next) => {
    const sid = ACCOUNT_FILE.exec(c.req.param('file'))?.[1];
    if (!sid) return next();
    const as = authenticated(c);
    if (!as) return unauthenticated(c);
    if (as !== sid) return notFound(c);
    const account = runtime.accounts.get(sid)!;
    return c.json(accountResource(account.accountSid, account.friendlyName ?? `Emulated account ${sid.slice(0, 8)}`));
  });

  app.use(`${ACCOUNT}/*`, async function twilioBasicAuth(c, next) {
    const as = authenticated(c);
    if (!as) return unauthenticated(c);
    if (as !== c.req.param('accountSid')) return notFound(c);
    await next();
  });

  app.post(`${ACCOUNT}/Calls.json`, async (c) => {
    const injected = runtime.takeCreateError();
    if (injected) return twilioError(c, injected);
    const form = await c.req.parseBody({ all: true });
    const field = (name: string) => [form[name]].flat().find((v): v is string => typeof v === 'string');
    const fields = (name: string) => [form[name]].flat().filter((v): v is string => typeof v === 'string');

    const to = field('To');
    const from = field('From');
    const url = field('Url');
    if (!to) return twilioError(c, { status: 400, code: 21201, message: "No 'To' number is specified" });
    if (!isE164(to)) return twilioError(c, { status: 400, code: 21211, message: `Invalid 'To' Phone Number: ${redact(to)}` });
    if (!from) return twilioError(c, { status: 400, code: 21213, message: "No 'From' number is specified" });
    if (!isE164(from)) return twilioError(c, { status: 400, code: 21212, message: `Invalid 'From' Phone Number: ${redact(from)}` });
    if (!url) {
      const inline = field('Twiml') || field('ApplicationSid') ? ' (the emulator runs only Url, not Twiml or ApplicationSid)' : '';
      return twilioError(c, { status: 400, code: 21205, message: `Url parameter is required${inline}` });
    }
    if (!isHttpUrl(url)) return twilioError(c, { status: 400, code: 21205, message: `Url is not a valid URL: ${url}` });

    const statusCallback = field('StatusCallback');
    const events = fields('StatusCallbackEvent').flatMap((e) => e.split(/[\s,]+/)).filter(Boolean);
    const timeout = Number.parseInt(field('Timeout') ?? '', 10);
    const accountSid = c.req.param('accountSid');
    const session = runtime.startOutbound({
      to,
      from,
      url,
      method: parseMethod(field('Method')),
      timeout: Number.isFinite(timeout) ? Math.min(Math.max(timeout, 1), 600) : 60,
      statusCallback: statusCallback
        ? {
            url: statusCallback,
            method: parseMethod(field('StatusCallbackMethod')),
            events: new Set(events.length ? events : ['completed']),
          }
        : undefined,
    }, accountSid);
    try {
      await session.released();
    } catch {
      // Canceled while held: Twilio had accepted the call, so the POST still answers with it.
      if (runtime.ctx.closeSignal.aborted) return twilioError(c, { status: 503, code: 20503, message: 'Service Unavailable' });
    }
    return c.json(callResource(session), 201);
  });

  app.get(`${ACCOUNT}/Calls.json`, (c) => {
    let page: CallPage;
    try {
      const own = [...runtime.sessions.values()].filter((session) => session.call.accountSid === c.req.param('accountSid'));
      page = listCalls(own, new URL(c.req.url).searchParams);
    } catch (error) {
      if (!(error instanceof ListQueryError)) throw error;
      return twilioError(c, { status: 400, code: 20001, message: error.message });
    }
    const base = `/${API_VERSION}/Accounts/${c.req.param('accountSid')}/Calls.json?`;
    return c.json({
      calls: page.sessions.map((session) => callResource(session)),
      end: page.page * page.pageSize + Math.max(0, page.sessions.length - 1),
      first_page_uri: base + page.firstPageQuery,
      next_page_uri: page.nextPageQuery === null ? null : base + page.nextPageQuery,
      page: page.page,
      page_size: page.pageSize,
      previous_page_uri: page.previousPageQuery === null ? null : base + page.previousPageQuery,
      start: page.page * page.pageSize,
      uri: base + page.uri,
    });
  });

  app.get(`${ACCOUNT}/Calls/:file`, (c) => {
    const session = ownCall(c);
    return session ? c.json(callResource(session)) : notFound(c);
  });

  app.post(`${ACCOUNT}/Calls/:file`, async (c) => {
    const session = ownCall(c);
    if (!session) return notFound(c);
    const form = await c.req.parseBody();
    const status = form.Status;
    if (form.Url !== undefined || form.Twiml !== undefined) {
      return twilioError(c, { status: 400, code: 20001, message: 'The emulator cannot redirect a live call (Url or Twiml)' });
    }
    if (status !== undefined && status !== 'completed' && status !== 'canceled') {
      return twilioError(c, { status: 400, code: 20001, message: `Invalid Status: ${String(status)}` });
    }
    if (status) runtime.hangUp(session, status);
    return c.json(callResource(session));
  });

  app.all(`/${API_VERSION}/*`, (c) => notFound(c));
  return app;
}

function findCall(runtime: EmulatorRuntime, file: string): CallSession | undefined {
  const sid = CALL_FILE.exec(file)?.[1];
  return sid ? runtime.sessions.get(sid) : undefined;
}

/** The Call resource JSON, field for field as Twilio returns it, so the SDK builds a real CallInstance. */
function callResource(session: CallSession) {
  const { call } = session;
  const { accountSid } = call;
  const uri = `/${API_VERSION}/Accounts/${accountSid}/Calls/${call.sid}`;
  const ended = session.endTime !== null;
  return {
    account_sid: accountSid,
    annotation: null,
    answered_by: null,
    api_version: API_VERSION,
    caller_name: null,
    date_created: rfc2822(session.dateCreated),
    date_updated: rfc2822(session.dateUpdated),
    direction: call.direction,
    duration: ended ? String(call.duration) : null,
    end_time: session.endTime ? rfc2822(session.endTime) : null,
    forwarded_from: null,
    from: call.from,
    from_formatted: formatNumber(call.from),
    group_sid: null,
    parent_call_sid: null,
    phone_number_sid: null,
    price: null,
    price_unit: 'USD',
    queue_time: '0',
    sid: call.sid,
    start_time: session.startTime ? rfc2822(session.startTime) : null,
    status: call.status,
    subresource_uris: Object.fromEntries(CALL_SUBRESOURCES.map((name) => [name, `${uri}/${toPascal(name)}.json`])),
    to: call.to,
    to_formatted: formatNumber(call.to),
    trunk_sid: null,
    uri: `${uri}.json`,
  };
}

/** The Account resource (https://www.twilio.com/docs/iam/api/account), without its auth token. */
function accountResource(sid: string, friendlyName: string) {
  const uri = `/${API_VERSION}/Accounts/${sid}`;
  return {
    auth_token: null,
    date_created: rfc2822(new Date(0)),
    date_updated: rfc2822(new Date(0)),
    friendly_name: friendlyName,
    owner_account_sid: sid,
    sid,
    status: 'active',
    subresource_uris: { calls: `${uri}/Calls.json` },
    type: 'Full',
    uri: `${uri}.json`,
  };
}

function toPascal(name: string): string {
  if (name === 'siprec') return 'Siprec';
  return name.replace(/(^|_)([a-z])/g, (_, _sep: string, letter: string) => letter.toUpperCase());
}

function twilioError(c: Context, error: TwilioError) {
  const body = {
    code: error.code,
    message: error.message,
    more_info: `https://www.twilio.com/docs/errors/${error.code}`,
    status: error.status,
  };
  return c.json(body, error.status as ContentfulStatusCode);
}

function notFound(c: Context) {
  return twilioError(c, { status: 404, code: 20404, message: `The requested resource ${c.req.path} was not found` });
}

function credentialsMatch(header: string | undefined, user: string, password: string): boolean {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(Buffer.from(match[1], 'base64').toString('utf8'));
  const expected = Buffer.from(`${user}:${password}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Twilio's error messages hide a number's last digits, e.g. `+1415555XXXX`. */
function redact(number: string): string {
  return number.length > 4 ? `${number.slice(0, -4)}XXXX` : 'XXXX';
}
