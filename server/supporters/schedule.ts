import { createHash } from 'node:crypto';
import type { CallAgain } from '../campaigns/settings.ts';
import type { Locale } from '../calls/prompts.ts';
import type { Target } from '../targets/target.ts';
import { STATE_TIME_ZONES, WASHINGTON } from './time-zones.ts';

const HOUR_MS = 3_600_000;

/** The zone a supporter's calls are timed in: the campaign's, else that of the first office they call. */
export function scheduleZone(schedule: CallAgain, first: Target | undefined): string {
  if (schedule.timeZone) return schedule.timeZone;
  return first?.office && first.state ? (STATE_TIME_ZONES[first.state] ?? WASHINGTON) : WASHINGTON;
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function localTime(zone: string, at: Date): LocalTime {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday!) + 1,
  };
}

/** The instant a local wall-clock time names in `zone` (daylight-saving aware). */
function zonedInstant(zone: string, year: number, month: number, day: number, hour: number, minute = 0): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const offsetAt = (instant: number) => {
    const local = localTime(zone, new Date(instant));
    return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute) - Math.floor(instant / 60_000) * 60_000;
  };
  const first = wall - offsetAt(wall);
  return new Date(wall - offsetAt(first));
}

/**
 * The next time to ring a supporter: the first window of the schedule (a listed weekday, between its
 * hours, local time) that starts after `after`, at a minute spread by `seed` so supporters don't all
 * ring at the top of the hour.
 */
export function nextCallTime(schedule: CallAgain, zone: string, after: Date, seed: string): Date {
  const windowMinutes = (schedule.to - schedule.from) * 60;
  const spread = createHash('sha256').update(seed).digest().readUInt32LE(0) % windowMinutes;
  const start = localTime(zone, after);
  for (let offset = 0; offset <= 14; offset++) {
    const date = new Date(Date.UTC(start.year, start.month - 1, start.day + offset, 12));
    const weekday = ((date.getUTCDay() + 6) % 7) + 1;
    if (!schedule.days.includes(weekday)) continue;
    const at = zonedInstant(zone, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), schedule.from, spread);
    if (at > after) return at;
  }
  throw new Error('no call-again window in the next two weeks'); // unreachable: days has at least one weekday
}

/** When the call after one placed at `placed` is due: `everyDays` later, less half a day of slack. */
export function followingCallTime(schedule: CallAgain, zone: string, placed: Date, seed: string): Date {
  return nextCallTime(schedule, zone, new Date(placed.getTime() + (schedule.everyDays * 24 - 12) * HOUR_MS), seed);
}

/** The first call: from tomorrow's window on ("call me again tomorrow"). */
export const firstCallTime = (schedule: CallAgain, zone: string, now: Date, seed: string) =>
  nextCallTime(schedule, zone, new Date(now.getTime() + 12 * HOUR_MS), seed);

const WORDS: Record<Locale, { weekdays: string; everyDay: string; days: string[]; and: string; between: (a: string, b: string) => string; every: (n: number) => string; hour: (h: number) => string }> = {
  en: {
    weekdays: 'on weekdays',
    everyDay: 'every day',
    days: ['Mondays', 'Tuesdays', 'Wednesdays', 'Thursdays', 'Fridays', 'Saturdays', 'Sundays'],
    and: 'and',
    between: (a, b) => `between ${a} and ${b}`,
    every: (n) => (n === 7 ? 'once a week' : `every ${n} days`),
    hour: (h) => (h === 0 || h === 24 ? 'midnight' : h === 12 ? 'noon' : `${h % 12} ${h < 12 ? 'am' : 'pm'}`),
  },
  es: {
    weekdays: 'de lunes a viernes',
    everyDay: 'todos los días',
    days: ['los lunes', 'los martes', 'los miércoles', 'los jueves', 'los viernes', 'los sábados', 'los domingos'],
    and: 'y',
    between: (a, b) => `entre las ${a} y las ${b}`,
    every: (n) => (n === 7 ? 'una vez por semana' : `cada ${n} días`),
    hour: (h) => `${h}:00`,
  },
};

/** "on weekdays between 10 am and 4 pm (Eastern Time)" — for the widget's checkbox and the phone's offer. */
export function describeSchedule(schedule: CallAgain, zone: string, locale: Locale): string {
  const words = WORDS[locale];
  const days = [...schedule.days].sort();
  const which =
    days.length === 7
      ? words.everyDay
      : days.join() === '1,2,3,4,5'
        ? words.weekdays
        : (locale === 'en' ? 'on ' : '') + listOf(days.map((d) => words.days[d - 1]!), words.and);
  const often = schedule.everyDays > 1 ? `${words.every(schedule.everyDays)}, ` : '';
  const zoneName = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'longGeneric' }).formatToParts(new Date()).find((p) => p.type === 'timeZoneName')?.value;
  return `${often}${which} ${words.between(words.hour(schedule.from), words.hour(schedule.to))}${zoneName ? ` (${zoneName})` : ''}`;
}

const listOf = (items: string[], and: string) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} ${and} ${items.at(-1)}`);
