import { eq, sql, type SQL } from 'drizzle-orm';
import type twilio from 'twilio';
import { openOrgAccount, orgTwilioColumns, type TwilioAccount } from '../orgs/twilio-account.ts';
import type { Db } from '../store/db.ts';
import { prepared } from '../store/prepared.ts';
import { calls, campaigns, orgs } from '../store/schema.ts';
import { createTwilioClient } from './twilio-client.ts';

export interface Account extends TwilioAccount {
  client: twilio.Twilio;
}

export interface TwilioAccountsOptions {
  db: Db;
  secretKey: string;
  /** The server's own account (TWILIO_*), for every organisation without one. */
  server: TwilioAccount;
  apiUrl?: string;
  /**
   * How long an organisation's account is remembered. A change made in this process is seen at once
   * (`invalidate`); one made in another process within this long.
   */
  ttlMs?: number;
}

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const MAX_CACHED = 10_000;

interface Cached<T> {
  at: number;
  value: T;
}

/**
 * Which Twilio account a campaign's calls go through (its organisation's own, else the server's),
 * and which auth tokens may sign webhooks for an account.
 */
export class TwilioAccounts {
  readonly server: Account;
  readonly #options: Required<Omit<TwilioAccountsOptions, 'apiUrl'>> & { apiUrl?: string };
  readonly #byCampaign = new Map<string, Cached<Account>>();
  readonly #tokens = new Map<string, Cached<string[]>>();
  readonly #clients = new Map<string, twilio.Twilio>();
  readonly #campaignOfCall = new Map<string, string>();

  constructor(options: TwilioAccountsOptions) {
    this.#options = { ttlMs: 3000, ...options };
    this.server = this.#withClient(options.server);
  }

  /** An account with a REST client (one per set of credentials, kept: each holds a keep-alive agent). */
  #withClient(account: TwilioAccount): Account {
    const key = JSON.stringify([account.accountSid, account.authToken, account.apiKeySid, account.apiKeySecret]);
    let client = this.#clients.get(key);
    if (!client) this.#clients.set(key, (client = createTwilioClient({ ...account, apiUrl: this.#options.apiUrl })));
    return { ...account, client };
  }

  /** An organisation's Twilio settings changed: forget what was read. */
  invalidate(): void {
    this.#byCampaign.clear();
    this.#tokens.clear();
  }

  async forCampaign(campaignId: string): Promise<Account> {
    return this.#cached(this.#byCampaign, campaignId, async () => {
      const [row] = await this.#options.db
        .select(orgTwilioColumns)
        .from(campaigns)
        .innerJoin(orgs, eq(orgs.id, campaigns.orgId))
        .where(eq(campaigns.id, campaignId));
      const own = row && openOrgAccount(this.#options.secretKey, row);
      return own ? this.#withClient(own) : this.server;
    });
  }

  /** The auth tokens that may sign a webhook naming `accountSid`: the server's and those of organisations using that account. */
  async authTokens(accountSid: string): Promise<string[]> {
    if (!ACCOUNT_SID.test(accountSid)) return [];
    return this.#cached(this.#tokens, accountSid, async () => {
      const rows = await this.#options.db
        .select(orgTwilioColumns)
        .from(orgs)
        .where(eq(orgs.twilioAccountSid, accountSid));
      const own = rows.flatMap((row) => openOrgAccount(this.#options.secretKey, row)?.authToken ?? []);
      return [...new Set([...(accountSid === this.server.accountSid ? [this.server.authToken] : []), ...own])];
    });
  }

  /**
   * The account a call's webhooks must come from: the one its campaign's calls go through (as fresh as the
   * tokens that sign them, `ttlMs`); undefined: no such call. A call never changes campaign, so that is
   * remembered and a webhook costs no extra read once its call has been seen.
   */
  async accountSidOfCall(callId: string): Promise<string | undefined> {
    let campaignId = this.#campaignOfCall.get(callId);
    if (campaignId === undefined) {
      const statement = prepared(this.#options.db, 'campaign_id_of_call', (name) =>
        this.#options.db.select({ campaignId: calls.campaignId }).from(calls).where(eq(calls.id, sql.placeholder('id'))).prepare(name),
      );
      const [row] = await statement.execute({ id: callId });
      if (!row) return undefined;
      // Ids come from webhooks anyone can send, but only calls that exist are kept: forget them all rather than grow without bound.
      if (this.#campaignOfCall.size >= MAX_CACHED) this.#campaignOfCall.clear();
      this.#campaignOfCall.set(callId, (campaignId = row.campaignId));
    }
    return (await this.forCampaign(campaignId)).accountSid;
  }

  /**
   * The account a row of `calls` goes through, in SQL: the dial queue's lane. Spelled out with its own
   * aliases: Drizzle leaves column names unqualified in an UPDATE's RETURNING, where they would be ambiguous.
   */
  laneOfCall(): SQL<string> {
    return sql<string>`coalesce((select o.twilio_account_sid from campaigns c join orgs o on o.id = c.org_id where c.id = "calls"."campaign_id"), ${this.server.accountSid})`;
  }

  async #cached<T>(map: Map<string, Cached<T>>, key: string, read: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    if (hit && Date.now() - hit.at < this.#options.ttlMs) return hit.value;
    // Keys come from webhooks anyone can send: forget everything rather than grow without bound.
    if (map.size >= MAX_CACHED) map.clear();
    const value = await read();
    map.set(key, { at: Date.now(), value });
    return value;
  }
}
