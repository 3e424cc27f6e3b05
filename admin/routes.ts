import type { Action } from './roles.ts';

/** The dashboard's pages, in the URL hash: `#/members`, `#/c/<id>/edit`; `#invite=<token>` opens an invite. */
const PAGES = ['new', 'blocks', 'members', 'keys', 'twilio', 'audit', 'account', 'orgs'] as const;
export type Page = (typeof PAGES)[number];
export type Route = { view: 'list' | Page } | { view: 'campaign' | 'edit'; id: string } | { view: 'invite'; token: string };

export function parseRoute(hash: string): Route {
  const invite = /^#invite=([^&]+)/.exec(hash);
  if (invite) return { view: 'invite', token: decodeURIComponent(invite[1]!) };
  const [, view, id, edit] = hash.replace(/^#/, '').split('/');
  if (PAGES.includes(view as Page)) return { view: view as Page };
  if (view === 'c' && id) return { view: edit === 'edit' ? 'edit' : 'campaign', id: decodeURIComponent(id) };
  return { view: 'list' };
}

/** What each page needs of the role in the current organisation (the list and a campaign need only to be a member). */
export const NEEDS: Partial<Record<Route['view'], Action>> = {
  new: 'createCampaign',
  edit: 'editCampaign',
  blocks: 'blocklist',
  members: 'members',
  keys: 'keys',
  twilio: 'twilio',
  audit: 'audit',
};

/** The organisation's pages, each shown to the roles that may use it. */
export const NAV: [Page | 'list', string, Action][] = [
  ['list', 'Campaigns', 'read'],
  ['blocks', 'Blocklist', 'blocklist'],
  ['members', 'Members', 'members'],
  ['keys', 'API keys', 'keys'],
  ['twilio', 'Twilio', 'twilio'],
  ['audit', 'Audit log', 'audit'],
];
