import type { CallNotifier } from './calls/notifier.ts';
import type { Config } from './config.ts';
import type { CongressLookup } from './congress/lookup.ts';
import type { Blocklist } from './limits/blocklist.ts';
import type { Logger } from './log.ts';
import type { Metrics } from './metrics.ts';
import type { Store } from './store/db.ts';
import type { TwilioAccounts } from './telephony/accounts.ts';

/** Everything the routes need, built once in `main` (or by a test). */
export interface AppDeps {
  config: Config;
  store: Store;
  notifier: CallNotifier;
  /** The server's Twilio account and organisations' own. */
  accounts: TwilioAccounts;
  congress: CongressLookup;
  blocklist: Blocklist;
  /** Keys phone-number hashes. */
  secretKey: string;
  log: Logger;
  /** This process's counters for `/metrics`. */
  metrics: Metrics;
  /** Aborted when the server begins to stop: long-lived responses (event streams) end so clients reconnect elsewhere. */
  stopping: AbortSignal;
}
