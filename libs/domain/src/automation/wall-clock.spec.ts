import { describe, expect, it } from '@jest/globals';
import { nextWallClockTime, zonedInstant } from './wall-clock.js';

const at = (iso: string) => new Date(iso);

describe('nextWallClockTime', () => {
  it('picks today when the time is still ahead in the zone', () => {
    expect(nextWallClockTime(at('2026-03-10T07:00:00Z'), 'Europe/Berlin', 9, 0).toISOString()).toBe(
      '2026-03-10T08:00:00.000Z',
    );
  });

  it('picks tomorrow when the time has passed, and never the very same instant', () => {
    expect(nextWallClockTime(at('2026-03-10T08:00:00Z'), 'Europe/Berlin', 9, 0).toISOString()).toBe(
      '2026-03-11T08:00:00.000Z',
    );
  });

  it('waits for the named weekday in the contact zone, not in UTC', () => {
    // Sunday 23:30 UTC is already Monday 08:30 in Athens: Monday 09:00 there is 30 minutes away.
    expect(nextWallClockTime(at('2026-06-07T23:30:00Z'), 'Europe/Athens', 9, 0, 'monday').toISOString()).toBe(
      '2026-06-08T06:00:00.000Z',
    );
    // The same instant in New York is still Sunday: Monday 09:00 there is the next day.
    expect(
      nextWallClockTime(at('2026-06-07T23:30:00Z'), 'America/New_York', 9, 0, 'monday').toISOString(),
    ).toBe('2026-06-08T13:00:00.000Z');
  });

  it('keeps 09:00 local across the spring-forward change (offset +1 → +2)', () => {
    // Saturday before the change (Berlin switches on 2026-03-29).
    expect(nextWallClockTime(at('2026-03-28T12:00:00Z'), 'Europe/Berlin', 9, 0, 'monday').toISOString()).toBe(
      '2026-03-30T07:00:00.000Z',
    );
  });

  it('keeps 09:00 local across the fall-back change (offset +2 → +1)', () => {
    expect(nextWallClockTime(at('2026-10-24T12:00:00Z'), 'Europe/Berlin', 9, 0, 'monday').toISOString()).toBe(
      '2026-10-26T08:00:00.000Z',
    );
  });

  it('moves a time skipped by the clock change forward by the gap', () => {
    // 02:30 does not exist in Berlin on 2026-03-29; it becomes 03:30 CEST = 01:30 UTC.
    expect(zonedInstant({ year: 2026, month: 3, day: 29 }, 2, 30, 'Europe/Berlin')).toBe(
      Date.parse('2026-03-29T01:30:00Z'),
    );
  });

  it('takes the first of a time that happens twice when clocks go back', () => {
    // 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET) on 2026-10-25.
    expect(zonedInstant({ year: 2026, month: 10, day: 25 }, 2, 30, 'Europe/Berlin')).toBe(
      Date.parse('2026-10-25T00:30:00Z'),
    );
  });

  it('handles zones with half-hour offsets and the southern hemisphere', () => {
    expect(nextWallClockTime(at('2026-01-01T00:00:00Z'), 'Asia/Kolkata', 9, 0).toISOString()).toBe(
      '2026-01-01T03:30:00.000Z',
    );
    // Sydney leaves daylight time on 2026-04-05 (+11 → +10).
    expect(
      nextWallClockTime(at('2026-04-04T12:00:00Z'), 'Australia/Sydney', 9, 0, 'monday').toISOString(),
    ).toBe('2026-04-05T23:00:00.000Z');
  });

  it('waits a full week when today is the weekday but the time has passed', () => {
    // 2026-06-08 is a Monday; 10:00 UTC is after 09:00 UTC.
    expect(nextWallClockTime(at('2026-06-08T10:00:00Z'), 'UTC', 9, 0, 'monday').toISOString()).toBe(
      '2026-06-15T09:00:00.000Z',
    );
  });
});
