import type { CallSession } from './session.ts';

/** Twilio's page size bounds for the Calls list. */
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

export class ListQueryError extends Error {}

export interface CallPage {
  sessions: CallSession[];
  page: number;
  pageSize: number;
  /** The query string of this page, the first page, and the next and previous pages (null at either end). */
  uri: string;
  firstPageQuery: string;
  nextPageQuery: string | null;
  previousPageQuery: string | null;
}

/**
 * The Calls list (https://www.twilio.com/docs/voice/api/call-resource#read-multiple-call-resources):
 * newest first, filtered by `To`, `From`, `Status`, `ParentCallSid`, and `StartTime`/`EndTime` —
 * bare (that UTC day, as Twilio documents it) or as `StartTime>` / `StartTime<` (on or after / on or
 * before; the SDK sends `startTimeAfter` as `StartTime>=2024-05-01T12:00:00Z`). A call not yet dialed
 * has no start time and matches no StartTime filter. Pages are cut with an opaque `PageToken`, so a
 * call created while a client pages through does not shift the pages.
 */
export function listCalls(all: Iterable<CallSession>, query: URLSearchParams): CallPage {
  const filters = new URLSearchParams();
  for (const name of ['To', 'From', 'Status', 'ParentCallSid', 'StartTime', 'StartTime>', 'StartTime<', 'EndTime', 'EndTime>', 'EndTime<']) {
    const value = query.get(name);
    if (value !== null) filters.set(name, value);
  }
  const matches = matcher(filters);
  const pageSize = integer(query.get('PageSize'), 'PageSize', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE;
  const page = integer(query.get('Page'), 'Page', 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const token = query.get('PageToken');

  const newestFirst = [...all].filter(matches).sort((a, b) => b.order - a.order);
  let slice: CallSession[];
  let hasAfter: boolean;
  let hasBefore: boolean;
  const tokenMatch = token === null ? null : /^P([AB])(\d+)$/.exec(token);
  if (token !== null && !tokenMatch) throw new ListQueryError(`Invalid PageToken: ${token}`);
  if (tokenMatch) {
    const mark = Number(tokenMatch[2]);
    if (tokenMatch[1] === 'A') {
      const after = newestFirst.filter((session) => session.order < mark);
      slice = after.slice(0, pageSize);
      hasAfter = after.length > pageSize;
      hasBefore = newestFirst.length > after.length;
    } else {
      const before = newestFirst.filter((session) => session.order > mark);
      slice = before.slice(-pageSize);
      hasBefore = before.length > pageSize;
      hasAfter = newestFirst.length > before.length;
    }
  } else {
    slice = newestFirst.slice(page * pageSize, (page + 1) * pageSize);
    hasAfter = newestFirst.length > (page + 1) * pageSize;
    hasBefore = page > 0;
  }

  const at = (n: number, pageToken?: string) => {
    const params = new URLSearchParams(filters);
    params.set('PageSize', String(pageSize));
    params.set('Page', String(n));
    if (pageToken) params.set('PageToken', pageToken);
    return params.toString();
  };
  const first = slice[0];
  const last = slice.at(-1);
  return {
    sessions: slice,
    page,
    pageSize,
    uri: at(page, token ?? undefined),
    firstPageQuery: at(0),
    nextPageQuery: hasAfter && last ? at(page + 1, `PA${last.order}`) : null,
    previousPageQuery: hasBefore && page > 0 ? at(page - 1, first ? `PB${first.order}` : undefined) : null,
  };
}

function matcher(filters: URLSearchParams): (session: CallSession) => boolean {
  const equal = (name: string, value: (session: CallSession) => string | null) => {
    const wanted = filters.get(name);
    return wanted === null ? undefined : (session: CallSession) => value(session) === wanted;
  };
  const tests = [
    equal('To', (s) => s.call.to),
    equal('From', (s) => s.call.from),
    equal('Status', (s) => s.call.status),
    // Dial legs are not Call resources in the emulator: no call has a parent.
    equal('ParentCallSid', () => null),
    ...timeFilters(filters, 'StartTime', (s) => s.startTime),
    ...timeFilters(filters, 'EndTime', (s) => s.endTime),
  ].filter((test) => test !== undefined);
  return (session) => tests.every((test) => test(session));
}

function timeFilters(filters: URLSearchParams, name: string, time: (session: CallSession) => Date | null) {
  const on = bound(filters.get(name), name);
  const after = bound(filters.get(`${name}>`), `${name}>`);
  const before = bound(filters.get(`${name}<`), `${name}<`);
  const day = (date: Date) => date.toISOString().slice(0, 10);
  return [
    on && ((s: CallSession) => time(s) !== null && day(time(s)!) === day(on)),
    after && ((s: CallSession) => time(s) !== null && time(s)! >= after),
    before && ((s: CallSession) => time(s) !== null && time(s)! <= before),
  ];
}

/** `YYYY-MM-DD` (midnight UTC) or an ISO 8601 date-time such as `2024-05-01T12:00:00Z`. */
function bound(value: string | null, name: string): Date | undefined {
  if (value === null) return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const at = new Date(dateOnly ? `${value}T00:00:00Z` : value);
  if (!(dateOnly || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) || Number.isNaN(at.getTime())) {
    throw new ListQueryError(`Invalid ${name}: ${value} (use YYYY-MM-DD or an ISO 8601 date-time)`);
  }
  return at;
}

function integer(value: string | null, name: string, min: number, max: number): number | undefined {
  if (value === null) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new ListQueryError(`Invalid ${name}: ${value} (an integer from ${min} to ${max})`);
  return n;
}
