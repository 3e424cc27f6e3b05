import { randomBytes } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ApiError, fromZodError, notFound } from '../errors.ts';
import { parsePhone } from '../phone.ts';
import type { Db } from '../store/db.ts';
import { campaigns, customTargets } from '../store/schema.ts';
import type { Target } from '../targets/target.ts';
import { CampaignSettings, E164, Targeting } from './settings.ts';
import { assertWebhookAllowed, type WebhookRules } from '../webhooks/settings.ts';
import { describeSchedule, scheduleZone } from '../supporters/schedule.ts';
import type { Locale } from '../calls/prompts.ts';
import { wordsIn } from './language.ts';
import { DEFAULT_ORG } from '../auth/actor.ts';
import { parseDistrict, stateOfDistrict } from '../congress/district.ts';
import { STATES } from '../congress/zip-prefixes.ts';

export const MAX_CUSTOM_TARGETS = 1000;

export type Campaign = typeof campaigns.$inferSelect;

const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be 2–63 lowercase letters, digits or dashes');

/** ZIP codes one target may be routed to: more than any state has. */
export const MAX_ZIPS = 3000;

const State = z
  .string()
  .trim()
  .transform((input, ctx) => {
    const code = input.toUpperCase();
    if (STATES.has(code)) return code;
    ctx.addIssue({ code: 'custom', message: `"${input}" is not a state's two-letter code, like VT` });
    return z.NEVER;
  });

const District = z
  .string()
  .trim()
  .transform((input, ctx) => {
    const id = parseDistrict(input);
    if (id && STATES.has(stateOfDistrict(id))) return id;
    ctx.addIssue({ code: 'custom', message: `"${input}" is not a congressional district, like CA-12 or VT-AL` });
    return z.NEVER;
  });

const Zip = z
  .string()
  .trim()
  .regex(/^\d{5}$/, { error: (issue) => `"${String(issue.input)}" is not a 5-digit ZIP code` });

const ROUTES = ['state', 'district', 'zips'] as const;

export const CustomTargetInput = z
  .object({
    id: Slug.optional(),
    name: z.string({ error: 'a name is required' }).trim().min(1, 'a name is required').max(200),
    title: z.string().trim().max(200).default(''),
    phone: z.string({ error: 'a phone number is required' }).trim().min(1, 'a phone number is required').max(40),
    extension: z
      .string()
      .regex(/^[0-9*#w]{1,20}$/, 'may hold digits, * and #, and w for a half-second wait')
      .optional(),
    /** Offered only to callers in this state, this district, or at one of these ZIPs (see server/targets/resolve.ts). */
    state: State.optional(),
    district: District.optional(),
    zips: z
      .array(Zip)
      .min(1, 'list at least one ZIP code, or leave zips out')
      .max(MAX_ZIPS, `may list at most ${MAX_ZIPS} ZIP codes`)
      .transform((zips) => [...new Set(zips)].sort())
      .optional(),
  })
  .superRefine((target, ctx) => {
    const ways = ROUTES.filter((key) => target[key] !== undefined);
    if (ways.length > 1) ctx.addIssue({ code: 'custom', path: [ways[1]!], message: `route by one of state, district or zips, not by ${ways.join(' and ')}` });
  });

/** What an organiser sends to create a campaign (the admin API). */
export const CampaignInput = CampaignSettings.extend({
  id: Slug.optional(),
  name: z.string().trim().min(1).max(200),
  status: z.enum(['active', 'paused', 'archived']).default('active'),
  /** A Twilio number of the account; inbound calls to it run this campaign. */
  callInNumber: E164.nullish(),
  targets: Targeting.extend({ custom: z.array(CustomTargetInput).max(MAX_CUSTOM_TARGETS).optional() }).refine(
    (targets) => targets.congress || targets.custom?.length,
    { message: 'name whom to call: congress ("both", "senate" or "house") and/or a custom list' },
  ),
});
export type CampaignInput = z.output<typeof CampaignInput>;

export async function findCampaign(db: Db, id: string): Promise<Campaign | undefined> {
  const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, id));
  return campaign;
}

export async function findCampaignByCallIn(db: Db, number: string): Promise<Campaign | undefined> {
  const [campaign] = await db.select().from(campaigns).where(eq(campaigns.callInNumber, number));
  return campaign;
}

export async function requireCampaign(db: Db, id: string): Promise<Campaign> {
  const campaign = await findCampaign(db, id);
  if (!campaign) throw notFound('Campaign');
  return campaign;
}

/** Throws the error a caller sees when a campaign is not taking calls. */
export function assertTakingCalls(campaign: Campaign): void {
  if (campaign.status === 'paused') throw new ApiError(409, 'campaign_paused', 'This campaign is paused and is not placing calls right now.');
  if (campaign.status === 'archived') throw new ApiError(410, 'campaign_archived', 'This campaign has ended.');
}

/** A target of a campaign's own list. A `state`, `district` or `zips` routes it to callers there only. */
export type CustomTarget = Target & { zips?: string[] };

export const isRouted = (target: CustomTarget) => Boolean(target.state || target.district || target.zips);

/** A campaign with its own target list: all that target resolution needs. */
export interface CampaignWithList {
  campaign: Campaign;
  custom: CustomTarget[];
}

export async function campaignWithList(db: Db, id: string): Promise<CampaignWithList> {
  const campaign = await requireCampaign(db, id);
  return { campaign, custom: await customTargetsOf(db, id) };
}

export async function customTargetsOf(db: Db, campaignId: string): Promise<CustomTarget[]> {
  const rows = await db
    .select()
    .from(customTargets)
    .where(eq(customTargets.campaignId, campaignId))
    .orderBy(asc(customTargets.position));
  return rows.map(({ id, name, title, phone, extension, state, district, zips }) => ({
    id, name, title, phone,
    ...(extension ? { extension } : {}),
    ...(state ? { state } : {}),
    ...(district ? { district } : {}),
    ...(zips ? { zips } : {}),
  }));
}

const slugify = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'campaign';

const newCampaignId = (name: string) => `${slugify(name)}-${randomBytes(3).toString('hex')}`;

/** Validates and stores a campaign with its own targets, all or nothing. */
export async function createCampaign(db: Db, input: CampaignInput, rules: WebhookRules = {}, orgId = DEFAULT_ORG): Promise<Campaign> {
  const { id, name, status, callInNumber, targets, ...rest } = input;
  assertWebhookAllowed(rest.webhook, rules);
  const { custom = [], ...targeting } = targets;
  const list = checkedList(custom, rest.countries);
  const campaignId = id ?? newCampaignId(name);
  const settings: CampaignSettings = { ...rest, targets: targeting };
  return db.transaction(async (tx) => {
    if (id && (await findCampaign(tx, id))) throw new ApiError(409, 'conflict', `A campaign with id "${id}" already exists.`, 'id');
    await assertCallInFree(tx, callInNumber);
    const [campaign] = await tx.insert(campaigns).values({ id: campaignId, orgId, name, status, settings, callInNumber }).returning();
    await replaceCustomTargets(tx, campaignId, list);
    return campaign!;
  });
}

async function assertCallInFree(db: Db, number: string | null | undefined, except?: string) {
  if (!number) return;
  const [owner] = await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.callInNumber, number));
  if (owner && owner.id !== except) throw new ApiError(409, 'conflict', `${number} is already the call-in number of another campaign.`, 'callInNumber');
}

export type CustomTargetInput = z.output<typeof CustomTargetInput>;
export type CheckedTarget = Omit<typeof customTargets.$inferInsert, 'campaignId'>;
export interface TargetProblem {
  /** Position in the list (0-based). */
  index: number;
  column: string;
  message: string;
}

/** Normalises a custom list (ids, E.164 phones), collecting every problem rather than stopping at the first. */
export function checkCustomTargets(rows: readonly CustomTargetInput[], countries: readonly string[]) {
  const problems: TargetProblem[] = [];
  const seen = new Set<string>();
  const explicit = new Set(rows.flatMap((row) => (row.id ? [row.id] : [])));
  let serial = 0;
  // Unnamed rows get t1, t2, … skipping ids the list already uses.
  const nextId = () => {
    do serial++;
    while (explicit.has(`t${serial}`));
    return `t${serial}`;
  };
  const list: CheckedTarget[] = [];
  rows.forEach((row, index) => {
    const id = row.id ?? nextId();
    if (seen.has(id)) problems.push({ index, column: 'id', message: `id "${id}" is used twice` });
    seen.add(id);
    try {
      list.push({ ...row, id, position: index, phone: parsePhone(row.phone, countries) });
    } catch (error) {
      problems.push({ index, column: 'phone', message: (error as Error).message });
    }
  });
  return { list, problems };
}

/** Swaps a campaign's whole list in one step (run it inside a transaction). */
export async function replaceCustomTargets(db: Db, campaignId: string, list: CheckedTarget[]): Promise<void> {
  await db.delete(customTargets).where(eq(customTargets.campaignId, campaignId));
  if (list.length) await db.insert(customTargets).values(list.map((target) => ({ ...target, campaignId })));
}

/**
 * The campaign as the widget reads it, in `lang` (default: the campaign's own language). The widget asks
 * for a ZIP unless `targetMode` is `custom` (an own list that is the same for everyone).
 */
export function publicCampaign({ campaign, custom }: CampaignWithList, lang: Locale = campaign.settings.locale) {
  const { settings } = campaign;
  const words = wordsIn(settings, lang);
  return {
    id: campaign.id,
    name: campaign.name,
    status: campaign.status,
    script: words.script,
    targetMode: settings.targets.congress ? 'congress' : custom.some(isRouted) ? 'routed' : 'custom',
    /** The campaign's own language; `lang` is the one these words are in. */
    locale: settings.locale,
    lang,
    countries: settings.countries,
    ...(settings.nextStep ? { nextStep: { ...settings.nextStep, ...(words.nextStepText ? { text: words.nextStepText } : {}) } } : {}),
    ...(settings.callAgain ? { callAgain: { description: describeSchedule(settings.callAgain, scheduleZone(settings.callAgain, undefined), lang) } } : {}),
    ...(settings.strings && Object.keys(settings.strings).length ? { strings: settings.strings } : {}),
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `patch` laid over `base`, one level deep; a `null` in the patch removes the key. */
function overlay(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const result = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = value;
  }
  return result;
}

/**
 * Applies an organiser's partial change: each field given replaces the stored one (`null` clears an
 * optional one), `targets` merges key by key, and `targets.custom`, when given, replaces the whole list.
 * The merged campaign is validated as on create, so errors name the same fields.
 */
export async function updateCampaign(db: Db, id: string, patch: Record<string, unknown>, rules: WebhookRules = {}): Promise<Campaign> {
  const current = await requireCampaign(db, id);
  if (patch.id !== undefined && patch.id !== id) throw new ApiError(422, 'invalid_body', 'id: cannot be changed; copy the campaign instead.', 'id');
  const { targets: currentTargets, ...currentSettings } = current.settings;
  const { targets: targetsPatch, ...rest } = patch;
  const listChanged = isObject(targetsPatch) && targetsPatch.custom !== undefined;
  const stored = { ...currentTargets, custom: listChanged ? undefined : await customTargetsOf(db, id) };
  const targets = isObject(targetsPatch) ? overlay(stored, targetsPatch) : targetsPatch === undefined ? stored : targetsPatch;
  const base = { ...currentSettings, name: current.name, status: current.status, callInNumber: current.callInNumber };
  const merged = overlay(base, rest);
  // `webhook` merges key by key too, so changing its URL or events keeps its secret.
  if (isObject(rest.webhook) && currentSettings.webhook) merged.webhook = overlay(currentSettings.webhook, rest.webhook);
  const parsed = CampaignInput.safeParse({ ...merged, targets, id });
  if (!parsed.success) throw fromZodError(parsed.error);
  const { name, status, callInNumber, targets: { custom = [], ...targeting }, id: _id, ...settings } = parsed.data;
  assertWebhookAllowed(settings.webhook, rules);
  const list = checkedList(custom, settings.countries);
  return db.transaction(async (tx) => {
    await assertCallInFree(tx, callInNumber, id);
    const [campaign] = await tx
      .update(campaigns)
      .set({ name, status, callInNumber: callInNumber ?? null, settings: { ...settings, targets: targeting }, updatedAt: sql`now()` })
      .where(eq(campaigns.id, id))
      .returning();
    if (listChanged) await replaceCustomTargets(tx, id, list);
    return campaign!;
  });
}

/** The list as stored, or the first problem as the 422 naming its entry (`targets.custom.2.phone`). */
function checkedList(custom: readonly CustomTargetInput[], countries: readonly string[]): CheckedTarget[] {
  const { list, problems } = checkCustomTargets(custom, countries);
  const [problem] = problems;
  if (problem) {
    const code = problem.column === 'phone' ? 'invalid_phone' : 'invalid_body';
    throw new ApiError(422, code, problem.message, `targets.custom.${problem.index}.${problem.column}`);
  }
  return list;
}

/** Pause, resume or archive: a paused campaign places no calls, an archived one has ended. */
export async function setCampaignStatus(db: Db, id: string, status: Campaign['status']): Promise<Campaign> {
  const [campaign] = await db.update(campaigns).set({ status, updatedAt: sql`now()` }).where(eq(campaigns.id, id)).returning();
  if (!campaign) throw notFound('Campaign');
  return campaign;
}

/**
 * A new campaign with the same settings and list, paused so that it takes no calls before it has been
 * edited. The call-in number stays with the original (a number runs one campaign). Its webhook is
 * checked as if set anew: the original's may date from a server that allowed private receivers.
 */
export async function copyCampaign(db: Db, sourceId: string, { id, name }: { id?: string; name?: string } = {}, rules: WebhookRules = {}): Promise<Campaign> {
  const source = await requireCampaign(db, sourceId);
  assertWebhookAllowed(source.settings.webhook, rules);
  const copyName = name ?? `${source.name} (copy)`.slice(0, 200);
  const campaignId = id ?? newCampaignId(copyName);
  return db.transaction(async (tx) => {
    if (await findCampaign(tx, campaignId)) throw new ApiError(409, 'conflict', `A campaign with id "${campaignId}" already exists.`, 'id');
    // A copy stays in the original's organisation.
    const [campaign] = await tx.insert(campaigns).values({ id: campaignId, orgId: source.orgId, name: copyName, status: 'paused', settings: source.settings }).returning();
    const list = await tx.select().from(customTargets).where(eq(customTargets.campaignId, sourceId));
    if (list.length) await tx.insert(customTargets).values(list.map((target) => ({ ...target, campaignId })));
    return campaign!;
  });
}
