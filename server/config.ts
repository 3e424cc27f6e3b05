import { isIP } from 'node:net';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import { z } from 'zod';

const optional = (schema: z.ZodType<string>) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const url = (protocols: RegExp, what: string) =>
  z.string().refine((value) => URL.canParse(value) && protocols.test(new URL(value).protocol), `must be ${what}`);

export const e164 = z
  .string()
  .refine((value) => /^\+\d{8,15}$/.test(value) && isValidPhoneNumber(value), 'must be a phone number in E.164 form, e.g. +12025550123');

const Env = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().refine((value) => isIP(value) !== 0 || value === 'localhost', 'must be an IP address to listen on, e.g. 0.0.0.0, 127.0.0.1 or ::').default('0.0.0.0'),
    MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).max(100_000).default(50),
    PUBLIC_URL: optional(url(/^https?:$/, 'an http(s) URL, e.g. https://calls.example.org')),
    DATABASE_URL: optional(url(/^postgres(ql)?:$/, 'a postgres:// URL')),
    DATA_DIR: z.string().min(1).default('./data'),
    TWILIO_ACCOUNT_SID: optional(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits')),
    TWILIO_AUTH_TOKEN: optional(z.string().min(16, 'must be your account auth token (32 characters)')),
    TWILIO_API_URL: optional(url(/^https?:$/, 'an http(s) URL')),
    TWILIO_CALLER_ID: optional(e164),
    TWILIO_CPS: z.coerce.number().positive('must be a positive number of calls per second').max(100).default(1),
    ADMIN_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
    ALLOWED_ORIGINS: optional(z.string()),
    METRICS_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
    LOG_FORMAT: z.preprocess((value) => (value === '' ? undefined : value), z.enum(['json', 'text'], 'must be json (one JSON object a line) or text').optional()),
    SECRET_KEY: optional(z.string().min(32, 'must be at least 32 characters')),
    DEMO_LEG_SECONDS: z.coerce.number().min(0).max(600).default(4),
    TRUSTED_PROXY_HEADER: optional(z.string().regex(/^[A-Za-z0-9-]+$/, 'must be a header name like X-Forwarded-For')),
    WEBHOOK_BUDGET_MS: z.coerce.number().int().min(50).max(14_000).default(10_000),
    WEBHOOK_ALLOW_PRIVATE: optional(z.enum(['0', '1'], 'must be 1 (allow private and loopback receivers) or 0')),
    RETENTION_DAYS: z.coerce.number().int().min(1).max(36500).default(400),
    CONGRESS_DATA_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(3650).default(120),
    CONGRESS_CLOCK: optional(
      z.string().refine((value) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+Z?)?$/.test(value) && !Number.isNaN(Date.parse(value)), 'must be a date like 2027-01-04 (or an ISO date-time)'),
    ),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.TWILIO_ACCOUNT_SID) !== Boolean(env.TWILIO_AUTH_TOKEN)) {
      const missing = env.TWILIO_ACCOUNT_SID ? 'TWILIO_AUTH_TOKEN' : 'TWILIO_ACCOUNT_SID';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'must be set together with the other Twilio credential' });
    }
    if (env.TWILIO_ACCOUNT_SID) {
      // SECRET_KEY too: a key generated into the store would sit in every dump next to the hashes it keys.
      for (const name of ['TWILIO_CALLER_ID', 'PUBLIC_URL', 'ADMIN_TOKEN', 'SECRET_KEY'] as const) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when Twilio credentials are set' });
      }
    }
    if (env.ALLOWED_ORIGINS && env.ALLOWED_ORIGINS !== '*') {
      for (const origin of splitList(env.ALLOWED_ORIGINS)) {
        if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
          ctx.addIssue({ code: 'custom', path: ['ALLOWED_ORIGINS'], message: `"${origin}" is not an origin like https://example.org` });
        }
      }
    }
  });

export interface Config {
  port: number;
  /** The address to listen on: `127.0.0.1` behind a local proxy, so the app is reachable only through it. */
  host: string;
  /** Open connections one address may hold; ignored behind a trusted proxy (every connection is the proxy's). */
  maxConnectionsPerIp: number;
  publicUrl: string;
  databaseUrl?: string;
  dataDir: string;
  /** No Twilio credentials: the built-in emulator plays the phone network. */
  demo: boolean;
  twilio: { accountSid: string; authToken: string; apiUrl?: string; callerId: string; cps: number };
  adminToken: string;
  /** `'*'` or exact origins allowed to call the public API from a browser. */
  allowedOrigins: '*' | string[];
  secretKey?: string;
  /** Bearer token for `/metrics`; unset, there is no `/metrics`. */
  metricsToken?: string;
  /** JSON lines for a log collector (the default live), or text for people (the default in demo). */
  logFormat: 'json' | 'text';
  demoLegSeconds: number;
  /** Set only behind a proxy that overwrites it: the header that carries the client's address. */
  trustedProxyHeader?: string;
  /** A Twilio webhook is answered within this long, slow store or not (Twilio's limit is 15 s). */
  webhookBudgetMs: number;
  /** Campaign webhooks may reach private and loopback receivers (on-premises, tests); by default only public https. */
  allowPrivateWebhooks: boolean;
  /** Call records older than this lose the caller's hash, ZIP and district (tallies stay whole). */
  retentionDays: number;
  /** Warn at start (and flag in /health) when the Congress data is older than this. */
  congressDataMaxAgeDays: number;
  /**
   * The time that member terms are judged against: the real clock, or one that started at CONGRESS_CLOCK
   * (to rehearse a term's end, or a new Congress, before it happens). Milliseconds since 1970.
   */
  congressClock: () => number;
}

/** The real clock, or one that reads `start` now and runs on from there. */
function clockFrom(start: string | undefined): () => number {
  if (start === undefined) return Date.now;
  const offset = Date.parse(start) - Date.now();
  return () => Date.now() + offset;
}

/** Thrown with one line per bad variable, so `main` can print them and exit. */
export class ConfigError extends Error {}

function splitList(value: string) {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

const randomHex = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = Env.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const got = source[name];
      return `${name} ${issue.message}${got === undefined || /TOKEN|KEY|URL/.test(name) ? '' : ` (got "${got}")`}`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  const env = parsed.data;
  const demo = !env.TWILIO_ACCOUNT_SID;
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '');
  return {
    port: env.PORT,
    host: env.HOST,
    maxConnectionsPerIp: env.MAX_CONNECTIONS_PER_IP,
    publicUrl,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    demo,
    twilio: {
      // Demo credentials are made up per process: they only sign traffic between us and our own emulator.
      accountSid: env.TWILIO_ACCOUNT_SID ?? `AC${randomHex(16)}`,
      authToken: env.TWILIO_AUTH_TOKEN ?? randomHex(16),
      apiUrl: env.TWILIO_API_URL ?? (demo ? publicUrl : undefined),
      callerId: env.TWILIO_CALLER_ID ?? '+12025550100',
      cps: env.TWILIO_CPS,
    },
    adminToken: env.ADMIN_TOKEN ?? randomHex(16),
    allowedOrigins:
      env.ALLOWED_ORIGINS === '*' || (!env.ALLOWED_ORIGINS && demo)
        ? '*'
        : env.ALLOWED_ORIGINS
          ? splitList(env.ALLOWED_ORIGINS)
          : [new URL(publicUrl).origin],
    secretKey: env.SECRET_KEY,
    metricsToken: env.METRICS_TOKEN,
    logFormat: env.LOG_FORMAT ?? (demo ? 'text' : 'json'),
    demoLegSeconds: env.DEMO_LEG_SECONDS,
    congressDataMaxAgeDays: env.CONGRESS_DATA_MAX_AGE_DAYS,
    congressClock: clockFrom(env.CONGRESS_CLOCK),
    trustedProxyHeader: env.TRUSTED_PROXY_HEADER,
    retentionDays: env.RETENTION_DAYS,
    webhookBudgetMs: env.WEBHOOK_BUDGET_MS,
    allowPrivateWebhooks: env.WEBHOOK_ALLOW_PRIVATE === '1',
  };
}
