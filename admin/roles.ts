/** The roles of a member (or key) in one organisation, lowest first, and what each may do: the server's table in the dashboard. */
export const ROLES = ['viewer', 'editor', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  viewer: 'Viewer: stats and CSVs',
  editor: 'Editor: campaign content and targets',
  admin: 'Admin: all of campaigns, blocklist, audit log',
  owner: 'Owner: members, API keys and Twilio too',
};

/**
 * The least role each action needs, as the server enforces it (server/auth/roles.ts, route by route): the
 * dashboard hides what a role may not do, and the server refuses it anyway.
 */
const MINIMUM = {
  /** Campaigns, stats, CSVs, the lookup preview. */
  read: 'viewer',
  /** A campaign's content and targets (PATCH, the targets CSV import). */
  editCampaign: 'editor',
  createCampaign: 'admin',
  /** Pause, resume, archive, copy. */
  changeStatus: 'admin',
  /** The webhook, its secret and its deliveries. */
  webhook: 'admin',
  blocklist: 'admin',
  audit: 'admin',
  members: 'owner',
  keys: 'owner',
  twilio: 'owner',
} as const satisfies Record<string, Role>;
export type Action = keyof typeof MINIMUM;

/** The least role that may do `action`. */
export const minimum = (action: Action): Role => MINIMUM[action];

/** Whether `role` may do `action`; no role (not signed in) may do nothing. */
export const can = (role: Role | undefined, action: Action): boolean => role !== undefined && ROLES.indexOf(role) >= ROLES.indexOf(MINIMUM[action]);
