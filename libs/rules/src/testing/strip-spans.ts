/** A deep copy without source positions, for comparing trees parsed from different text. */
export function stripSpans<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (key, inner: unknown) =>
      key === 'span' || key === 'nameSpan' || key === 'templateSpan' || key === 'timeZoneSpan'
        ? undefined
        : inner,
    ),
  ) as T;
}
