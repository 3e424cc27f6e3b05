import { AdminApp } from './admin-app.ts';
import { Blocklist } from './blocklist.ts';
import { CallsChart } from './calls-chart.ts';
import { CampaignForm } from './campaign-form.ts';
import { CampaignStats } from './campaign-stats.ts';
import { EmbedSnippet } from './embed-snippet.ts';
import { TargetsImport } from './targets-import.ts';
import { TargetsPreview } from './targets-preview.ts';
import { TestCall } from './test-call.ts';
import { WebhookPanel } from './webhook-panel.ts';

const elements: [string, CustomElementConstructor][] = [
  ['cpa-app', AdminApp],
  ['cpa-blocklist', Blocklist],
  ['cpa-calls-chart', CallsChart],
  ['cpa-campaign-form', CampaignForm],
  ['cpa-campaign-stats', CampaignStats],
  ['cpa-embed-snippet', EmbedSnippet],
  ['cpa-targets-import', TargetsImport],
  ['cpa-targets-preview', TargetsPreview],
  ['cpa-test-call', TestCall],
  ['cpa-webhook-panel', WebhookPanel],
];
for (const [name, element] of elements) if (!customElements.get(name)) customElements.define(name, element);
