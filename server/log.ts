import pino from 'pino';

/*
 * Phone numbers are found by their shape, not with libphonenumber's `findNumbers`: by default that
 * reports only numbers valid in a known region, so fictional 555 numbers and `%2B`-encoded ones would
 * be logged whole, and even at its most lenient it passes an unknown country code (`+999 1234567`).
 * A redactor must fail closed. It also costs 0.2–2 ms a line, against under a microsecond here.
 * The shapes are E.164 (how Twilio and the store write numbers) and the North American forms people type.
 */

/** Between two digits of a number: a space, dot or hyphen, or a bracket round the area code. */
const GAP = String.raw`(?:[ .-]|\)[ .-]?|[ .-]?\()?`;
/** `+` (or `%2B`, in a query string) and 7 to 15 digits: E.164, compact or spaced, with any country code. */
const INTERNATIONAL = String.raw`(?:\+|%2B)\d(?:${GAP}\d){6,14}`;
/** 3-3-4 digits, maybe after a 1 and with the area code in brackets; an area code never starts with 0 or 1. */
const NORTH_AMERICAN = String.raw`(?:1[ .-]?)?(?:\([2-9]\d\d\) ?|[2-9]\d\d[ .-]?)\d{3}[ .-]?\d{4}`;
/**
 * Not inside a longer token: digits joined to letters, `_`, `-` or `.` are part of an id (a UUID, a
 * base64url call id, a Twilio sid), an address or a timestamp, which stay readable.
 */
const PHONE = new RegExp(String.raw`(?<![\p{L}\p{N}_.-])(?:${INTERNATIONAL}|${NORTH_AMERICAN})(?![\p{L}\p{N}_]|[.-][\p{L}\p{N}])`, 'gu');

/** Masks phone numbers so a caller's number never reaches a log line, whatever produced it. */
export function redact(text: string): string {
  return text.replace(PHONE, (match) => `[phone …${match.replace(/\D/g, '').slice(-2)}]`);
}

/** Facts about a line, kept apart from its words in JSON logs: ids, route patterns, statuses, timings. */
export type LogFields = Record<string, string | number | boolean | undefined>;

export type Logger = (line: string, fields?: LogFields) => void;

export type LogFormat = 'json' | 'text';

/** Strings in `fields` are redacted too: a field is as likely as a line to carry what a caller typed. */
function redactFields(fields: LogFields): LogFields {
  const clean: LogFields = {};
  for (const [key, value] of Object.entries(fields)) clean[key] = typeof value === 'string' ? redact(value) : value;
  return clean;
}

/** For people (demo, `npm start`): the line, then its fields as `key=value`. */
export const consoleLogger: Logger = (line, fields) => {
  const facts = fields ? Object.entries(fields).filter(([, value]) => value !== undefined).map(([key, value]) => ` ${key}=${value}`).join('') : '';
  console.log(redact(line + facts));
};

export interface JsonLogger extends Logger {
  /** Writes out what is buffered: called as the server stops, so its last lines are not lost. */
  flush(): void;
}

/**
 * One JSON object a line (`{ level, time, msg, ...fields }`) for a log collector. Writes are
 * asynchronous (a synchronous write per request would cost the webhook routes' throughput) and
 * flushed on close and at exit.
 */
export function jsonLogger(destination: pino.DestinationStream & { flushSync?(): void } = pino.destination({ sync: false })): JsonLogger {
  const logger = pino({ base: undefined, formatters: { level: (label) => ({ level: label }) } }, destination);
  const flush = () => {
    try {
      destination.flushSync?.();
    } catch {
      // Not open yet, or already closed: nothing is waiting.
    }
  };
  process.once('exit', flush);
  const log: Logger = (line, fields) => (fields ? logger.info(redactFields(fields), redact(line)) : logger.info(redact(line)));
  return Object.assign(log, { flush });
}

export const createLogger = (format: LogFormat): Logger => (format === 'json' ? jsonLogger() : consoleLogger);
