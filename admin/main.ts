import { AccountPage } from './account-page.ts';
import { AdminApp } from './admin-app.ts';
import { AuditPage } from './audit-page.ts';
import { Blocklist } from './blocklist.ts';
import { CallsChart } from './calls-chart.ts';
import { CampaignForm } from './campaign-form.ts';
import { CampaignStats } from './campaign-stats.ts';
import { EmbedSnippet } from './embed-snippet.ts';
import { InviteAccept } from './invite-accept.ts';
import { KeysPage } from './keys-page.ts';
import { MembersPage } from './members-page.ts';
import { OrgsPage } from './orgs-page.ts';
import { SignIn } from './sign-in.ts';
import { TargetsImport } from './targets-import.ts';
import { TargetsPreview } from './targets-preview.ts';
import { TestCall } from './test-call.ts';
import { TwilioPage } from './twilio-page.ts';
import { WebhookPanel } from './webhook-panel.ts';

const elements: [string, CustomElementConstructor][] = [
  ['cpa-account-page', AccountPage],
  ['cpa-app', AdminApp],
  ['cpa-audit-page', AuditPage],
  ['cpa-blocklist', Blocklist],
  ['cpa-calls-chart', CallsChart],
  ['cpa-campaign-form', CampaignForm],
  ['cpa-campaign-stats', CampaignStats],
  ['cpa-embed-snippet', EmbedSnippet],
  ['cpa-invite-accept', InviteAccept],
  ['cpa-keys-page', KeysPage],
  ['cpa-members-page', MembersPage],
  ['cpa-orgs-page', OrgsPage],
  ['cpa-sign-in', SignIn],
  ['cpa-targets-import', TargetsImport],
  ['cpa-targets-preview', TargetsPreview],
  ['cpa-test-call', TestCall],
  ['cpa-twilio-page', TwilioPage],
  ['cpa-webhook-panel', WebhookPanel],
];
for (const [name, element] of elements) if (!customElements.get(name)) customElements.define(name, element);
