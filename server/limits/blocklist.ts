import { BlockList, isIP } from 'node:net';
import { and, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { DEFAULT_ORG } from '../auth/actor.ts';
import { ttlCache } from '../cache.ts';
import type { Db } from '../store/db.ts';
import { blocks } from '../store/schema.ts';

/** How long this process trusts its copy of the IP rules; an admin change here applies at once. */
const IP_RULES_MAX_AGE_MS = 10_000;

const active = () => or(isNull(blocks.expiresAt), gt(blocks.expiresAt, sql`now()`));

/** `203.0.113.9` or `203.0.113.0/24` (IPv4 or IPv6) → its parts, or null if it is neither. */
export function parseIpRule(value: string): { address: string; prefix?: number; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', prefix, extra] = value.trim().split('/');
  const version = isIP(address);
  if (!version || extra !== undefined) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) return { address, family };
  const bits = Number(prefix);
  return Number.isInteger(bits) && bits >= 0 && bits <= (version === 4 ? 32 : 128) && /^\d+$/.test(prefix) ? { address, prefix: bits, family } : null;
}

/** Callers (by keyed hash) and IP ranges that may not place calls, with optional expiry. */
export class Blocklist {
  readonly #db: Db;
  #rules = ttlCache<Map<string, BlockList>>(IP_RULES_MAX_AGE_MS, 1);

  constructor(db: Db) {
    this.#db = db;
  }

  /** Blocked by the campaign's organisation, or by the operator (`default`), whose list covers every campaign. */
  async isPhoneBlocked(phoneHash: string, orgId: string = DEFAULT_ORG): Promise<boolean> {
    const [row] = await this.#db
      .select({ id: blocks.id })
      .from(blocks)
      .where(and(eq(blocks.kind, 'phone'), eq(blocks.value, phoneHash), inArray(blocks.orgId, [...new Set([orgId, DEFAULT_ORG])]), active()))
      .limit(1);
    return Boolean(row);
  }

  async isIpBlocked(ip: string | undefined, orgId: string = DEFAULT_ORG): Promise<boolean> {
    const family = ip && isIP(ip);
    if (!family) return false;
    const rules = await this.#rules('ip', () => this.#loadIpRules());
    const kind = family === 4 ? 'ipv4' : 'ipv6';
    return Boolean(rules.get(DEFAULT_ORG)?.check(ip, kind) || (orgId !== DEFAULT_ORG && rules.get(orgId)?.check(ip, kind)));
  }

  /** After an admin change, so this process applies it at once (others within IP_RULES_MAX_AGE_MS). */
  invalidate(): void {
    this.#rules = ttlCache<Map<string, BlockList>>(IP_RULES_MAX_AGE_MS, 1);
  }

  /** Each organisation's IP rules. */
  async #loadIpRules(): Promise<Map<string, BlockList>> {
    const rows = await this.#db.select({ orgId: blocks.orgId, value: blocks.value }).from(blocks).where(and(eq(blocks.kind, 'ip'), active()));
    const lists = new Map<string, BlockList>();
    for (const { orgId, value } of rows) {
      const rule = parseIpRule(value);
      if (!rule) continue;
      const list = lists.get(orgId) ?? lists.set(orgId, new BlockList()).get(orgId)!;
      if (rule.prefix === undefined) list.addAddress(rule.address, rule.family);
      else list.addSubnet(rule.address, rule.prefix, rule.family);
    }
    return lists;
  }
}
