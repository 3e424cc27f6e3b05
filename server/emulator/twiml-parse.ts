import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type HttpMethod = 'GET' | 'POST';

export type Prompt =
  | { verb: 'Say'; text: string; loop: number }
  | { verb: 'Play'; url: string; loop: number }
  | { verb: 'Pause'; length: number };

export interface DialNumber {
  number: string;
  sendDigits?: string;
  statusCallback?: string;
  statusCallbackEvents: string[];
  statusCallbackMethod: HttpMethod;
}

export interface Gather {
  verb: 'Gather';
  action?: string;
  method: HttpMethod;
  timeout: number;
  numDigits: number | null;
  finishOnKey: string;
  acceptsDtmf: boolean;
  actionOnEmptyResult: boolean;
  prompts: Prompt[];
}

export interface Dial {
  verb: 'Dial';
  action?: string;
  method: HttpMethod;
  timeout: number;
  timeLimit: number;
  hangupOnStar: boolean;
  callerId?: string;
  numbers: DialNumber[];
  /** Nouns the emulator cannot dial (`<Client>`, `<Sip>`, `<Conference>`…). */
  unsupportedNouns: string[];
}

export type Verb =
  | Prompt
  | Gather
  | Dial
  | { verb: 'Redirect'; url: string; method: HttpMethod }
  | { verb: 'Hangup' }
  | { verb: 'Reject'; reason: 'rejected' | 'busy' }
  /** A real TwiML verb the emulator does not play (`<Record>`, `<Enqueue>`…); it is skipped. */
  | { verb: 'Unsupported'; name: string };

/** Twilio's 12100 "Document parse failure": the response was not a TwiML `<Response>`. */
export class TwimlParseError extends Error {
  readonly code = 12100;
}

/** Verbs Twilio knows that the emulator skips; anything else is a parse failure, as on Twilio. */
const OTHER_TWILIO_VERBS = new Set([
  'Record', 'Enqueue', 'Leave', 'Sms', 'Message', 'Connect', 'Start', 'Stop', 'Pay', 'Prompt', 'Refer', 'Echo', 'Queue',
]);

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
});

export function parseTwiml(xml: string): Verb[] {
  if (XMLValidator.validate(xml) !== true) throw new TwimlParseError('Document parse failure: not well-formed XML');
  const roots = (parser.parse(xml) as Node[]).filter((node) => tagOf(node) !== '?xml');
  const response = roots[0];
  if (roots.length !== 1 || !response || tagOf(response) !== 'Response') {
    throw new TwimlParseError('Document parse failure: the root element is not <Response>');
  }
  return childrenOf(response).filter(isElement).map(toVerb);
}

function toVerb(node: Node): Verb {
  const tag = tagOf(node);
  const attrs = node[':@'] ?? {};
  switch (tag) {
    case 'Say':
    case 'Play':
    case 'Pause':
      return toPrompt(node);
    case 'Gather': {
      const input = (attrs.input ?? 'dtmf').split(/\s+/);
      return {
        verb: 'Gather',
        action: attrs.action,
        method: parseMethod(attrs.method),
        timeout: integer(attrs.timeout, 5),
        numDigits: attrs.numDigits === undefined ? null : integer(attrs.numDigits, 1),
        finishOnKey: attrs.finishOnKey ?? '#',
        acceptsDtmf: input.includes('dtmf'),
        actionOnEmptyResult: attrs.actionOnEmptyResult === 'true',
        prompts: childrenOf(node).filter(isElement).filter(isPrompt).map(toPrompt),
      };
    }
    case 'Dial':
      return toDial(node, attrs);
    case 'Redirect':
      return { verb: 'Redirect', url: textOf(node), method: parseMethod(attrs.method) };
    case 'Hangup':
      return { verb: 'Hangup' };
    case 'Reject':
      return { verb: 'Reject', reason: attrs.reason === 'busy' ? 'busy' : 'rejected' };
    default:
      if (OTHER_TWILIO_VERBS.has(tag)) return { verb: 'Unsupported', name: tag };
      throw new TwimlParseError(`Document parse failure: <${tag}> is not a TwiML verb`);
  }
}

function toPrompt(node: Node): Prompt {
  const attrs = node[':@'] ?? {};
  const loop = integer(attrs.loop, 1);
  switch (tagOf(node)) {
    case 'Say':
      return { verb: 'Say', text: textOf(node), loop };
    case 'Play':
      return { verb: 'Play', url: textOf(node), loop };
    default:
      return { verb: 'Pause', length: integer(attrs.length, 1) };
  }
}

function toDial(node: Node, attrs: Record<string, string>): Dial {
  const numbers: DialNumber[] = [];
  const unsupportedNouns: string[] = [];
  for (const child of childrenOf(node)) {
    if (!isElement(child)) {
      const text = String(child['#text'] ?? '').trim();
      if (text) numbers.push({ number: text, statusCallbackEvents: [], statusCallbackMethod: 'POST' });
    } else if (tagOf(child) === 'Number') {
      const a = child[':@'] ?? {};
      numbers.push({
        number: textOf(child),
        sendDigits: a.sendDigits,
        statusCallback: a.statusCallback,
        // Twilio accepts the events separated by spaces (its docs) or commas (what some helpers emit).
        statusCallbackEvents: (a.statusCallbackEvent ?? 'completed').split(/[\s,]+/).filter(Boolean),
        statusCallbackMethod: parseMethod(a.statusCallbackMethod),
      });
    } else {
      unsupportedNouns.push(tagOf(child));
    }
  }
  return {
    verb: 'Dial',
    action: attrs.action,
    method: parseMethod(attrs.method),
    timeout: integer(attrs.timeout, 30),
    timeLimit: integer(attrs.timeLimit, 14400),
    hangupOnStar: attrs.hangupOnStar === 'true',
    callerId: attrs.callerId,
    numbers,
    unsupportedNouns,
  };
}

function isPrompt(node: Node): boolean {
  const tag = tagOf(node);
  return tag === 'Say' || tag === 'Play' || tag === 'Pause';
}

function tagOf(node: Node): string {
  return Object.keys(node).find((key) => key !== ':@') ?? '';
}

function isElement(node: Node): boolean {
  return tagOf(node) !== '#text';
}

function childrenOf(node: Node): Node[] {
  const value = node[tagOf(node)];
  return Array.isArray(value) ? (value as Node[]) : [];
}

/** All text inside an element, SSML children included, joined as the caller would hear it. */
function textOf(node: Node): string {
  return childrenOf(node)
    .map((child) => (isElement(child) ? textOf(child) : String(child['#text'] ?? '')))
    .filter(Boolean)
    .join(' ')
    .trim();
}

export function parseMethod(value: string | undefined): HttpMethod {
  return value?.toUpperCase() === 'GET' ? 'GET' : 'POST';
}

function integer(value: string | undefined, fallback: number): number {
  const parsed = Number.parseInt(value ?? '', 10);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback;
}
