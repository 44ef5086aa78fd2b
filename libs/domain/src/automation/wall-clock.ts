// Wall-clock arithmetic in IANA time zones with Intl only: pure, so a wake-up is
// the same for the same inputs on every worker.

export type Weekday = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

const WEEKDAYS: readonly Weekday[] = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let cached = formatters.get(timeZone);
  if (!cached) {
    cached = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, cached);
  }
  return cached;
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localTime(instant: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** The zone's offset from UTC at an instant, in milliseconds (whole seconds). */
function offsetAt(instant: number, timeZone: string): number {
  const local = localTime(instant, timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a wall-clock time names in a zone. A time that a clock change
 * skips (02:30 when clocks jump from 02:00 to 03:00) moves forward by the gap
 * (03:30); a time that happens twice (when clocks go back) is its first occurrence.
 */
export function zonedInstant(
  date: { year: number; month: number; day: number },
  hour: number,
  minute: number,
  timeZone: string,
): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => {
      const local = localTime(instant, timeZone);
      return local.hour === hour && local.minute === minute && local.day === date.day;
    })
    .sort((a, b) => a - b);
  // Skipped by a clock change: the offset in force before it carries the time past the gap.
  return candidates[0] ?? wall - before;
}

/**
 * The first moment strictly after `after` at which the zone's clocks show
 * hour:minute, on the given weekday when one is given.
 */
export function nextWallClockTime(
  after: Date,
  timeZone: string,
  hour: number,
  minute: number,
  weekday?: Weekday,
): Date {
  const today = localTime(after.getTime(), timeZone);
  for (let days = 0; days <= 8; days++) {
    const civil = new Date(Date.UTC(today.year, today.month - 1, today.day + days));
    if (weekday && WEEKDAYS[civil.getUTCDay()] !== weekday) continue;
    const instant = zonedInstant(
      { year: civil.getUTCFullYear(), month: civil.getUTCMonth() + 1, day: civil.getUTCDate() },
      hour,
      minute,
      timeZone,
    );
    if (instant > after.getTime()) return new Date(instant);
  }
  throw new Error(`no ${weekday ?? 'day'} at ${hour}:${minute} in ${timeZone} within eight days`);
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}
