import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { e164 } from '../config.ts';
import { seal, unseal } from '../sealed.ts';
import type { Db } from '../store/db.ts';
import { orgs } from '../store/schema.ts';

/** A Twilio account the server can place calls with and check webhooks against: the server's, or an organisation's own. */
export interface TwilioAccount {
  accountSid: string;
  /** Twilio signs the account's webhooks with it, so it is needed even when REST uses an API key. */
  authToken: string;
  apiKeySid?: string;
  apiKeySecret?: string;
  callerId: string;
  /** Calls per second the account may create. */
  cps: number;
}

/** What an organisation's owner sends to bring its own account (`PUT /orgs/:id/twilio`). */
export const TwilioSettings = z
  .object({
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits'),
    authToken: z.string().min(16, 'must be the account’s auth token (32 characters)').max(128),
    apiKeySid: z.string().regex(/^SK[0-9a-fA-F]{32}$/, 'must look like SK followed by 32 hex digits').optional(),
    apiKeySecret: z.string().min(16, 'must be the API key’s secret (32 characters)').max(128).optional(),
    callerId: e164,
    cps: z.number().positive('must be a positive number of calls per second').max(100).default(1),
  })
  .strict()
  .superRefine(({ apiKeySid, apiKeySecret }, ctx) => {
    if (apiKeySid && !apiKeySecret) ctx.addIssue({ code: 'custom', path: ['apiKeySecret'], message: 'is needed with apiKeySid' });
    if (apiKeySecret && !apiKeySid) ctx.addIssue({ code: 'custom', path: ['apiKeySid'], message: 'is needed with apiKeySecret' });
  });
export type TwilioSettings = z.output<typeof TwilioSettings>;

type Secrets = Pick<TwilioAccount, 'authToken' | 'apiKeySid' | 'apiKeySecret'>;
type OrgRow = Pick<typeof orgs.$inferSelect, 'twilioAccountSid' | 'twilioSealed' | 'twilioCallerId' | 'twilioCps'>;

/** What any API may show of an organisation's account: never a secret, only the token's last four characters. */
export interface TwilioView {
  configured: boolean;
  accountSid: string | null;
  authTokenHint: string | null;
  apiKeySid?: string;
  callerId: string | null;
  cps: number | null;
}

/** The organisation's own account, or undefined when it uses the server's (or has no row: see `findOrgTwilio`). */
export function openOrgAccount(secretKey: string, row: OrgRow): TwilioAccount | undefined {
  if (!row.twilioAccountSid || !row.twilioSealed || !row.twilioCallerId) return undefined;
  const secrets = JSON.parse(unseal(secretKey, row.twilioSealed, 'twilio credentials')) as Secrets;
  return { accountSid: row.twilioAccountSid, ...secrets, callerId: row.twilioCallerId, cps: row.twilioCps ?? 1 };
}

export function twilioView(account: TwilioAccount | undefined): TwilioView {
  if (!account) return { configured: false, accountSid: null, authTokenHint: null, callerId: null, cps: null };
  const { accountSid, authToken, apiKeySid, callerId, cps } = account;
  return { configured: true, accountSid, authTokenHint: authToken.slice(-4), ...(apiKeySid ? { apiKeySid } : {}), callerId, cps };
}

/** The columns `openOrgAccount` reads. */
export const orgTwilioColumns = { twilioAccountSid: orgs.twilioAccountSid, twilioSealed: orgs.twilioSealed, twilioCallerId: orgs.twilioCallerId, twilioCps: orgs.twilioCps };

/** The organisation's Twilio columns; undefined when there is no such organisation. */
export async function findOrgTwilio(db: Db, orgId: string): Promise<OrgRow | undefined> {
  const [row] = await db.select(orgTwilioColumns).from(orgs).where(eq(orgs.id, orgId));
  return row;
}

/** Stores the account, its secrets sealed; false when there is no such organisation. */
export async function saveOrgTwilio(db: Db, secretKey: string, orgId: string, settings: TwilioSettings): Promise<boolean> {
  const { accountSid, authToken, apiKeySid, apiKeySecret, callerId, cps } = settings;
  const secrets: Secrets = { authToken, ...(apiKeySid ? { apiKeySid, apiKeySecret } : {}) };
  const updated = await db
    .update(orgs)
    .set({ twilioAccountSid: accountSid, twilioSealed: seal(secretKey, JSON.stringify(secrets), 'twilio credentials'), twilioCallerId: callerId, twilioCps: cps, updatedAt: new Date() })
    .where(eq(orgs.id, orgId))
    .returning({ id: orgs.id });
  return updated.length > 0;
}

/** Back to the server's account; false when there is no such organisation. */
export async function clearOrgTwilio(db: Db, orgId: string): Promise<boolean> {
  const updated = await db
    .update(orgs)
    .set({ twilioAccountSid: null, twilioSealed: null, twilioCallerId: null, twilioCps: null, updatedAt: new Date() })
    .where(eq(orgs.id, orgId))
    .returning({ id: orgs.id });
  return updated.length > 0;
}
