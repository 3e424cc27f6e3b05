import { restRoutes } from './rest.ts';
import { EmulatorRuntime } from './runtime.ts';
import type { Emulator, EmulatorOptions } from './types.ts';

export type {
  CallerBehaviour,
  CallStatus,
  DialCallStatus,
  DialedLeg,
  EmulatedAccount,
  EmulatedCall,
  Emulator,
  EmulatorOptions,
  HeldCreate,
  InboundCallOptions,
  LegStatus,
  OfficeBehaviour,
  TranscriptEntry,
  TranscriptListener,
  TwilioError,
  WebhookRequest,
} from './types.ts';

/**
 * A Twilio stand-in for demo mode and end-to-end tests: a REST endpoint the official SDK talks to,
 * and a phone network that plays each call's TwiML against our webhooks, signed as Twilio signs them.
 */
export function createEmulator(options: EmulatorOptions): Emulator {
  const runtime = new EmulatorRuntime(options);
  return {
    app: restRoutes(runtime),
    addAccount: (account) => runtime.addAccount(account),
    calls: runtime.calls,
    failNextCreate: (error) => runtime.failNextCreate(error),
    holdNextCreate: (after) => runtime.holdNextCreate(after),
    waitForEnd: (callSid, timeoutMs) => runtime.waitForEnd(callSid, timeoutMs),
    hasEnded: (callSid) => runtime.hasEnded(callSid),
    placeInboundCall: async (opts) => runtime.startInbound(opts).call,
    subscribe: (listener) => runtime.subscribe(listener),
    close: () => runtime.close(),
  };
}
