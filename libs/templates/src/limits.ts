/**
 * Bounds that keep a single template from starving a sending worker. Handlebars
 * renders synchronously and cannot be interrupted, so render time is bounded by
 * bounding its inputs: template size, loop nesting and the size of the data.
 */
export interface TemplateLimits {
  /** Largest accepted source (body, partial, subject, preheader), in UTF-16 code units. */
  readonly maxSourceLength: number;
  /** Largest body after partials and layouts are inlined. */
  readonly maxExpandedLength: number;
  readonly maxSubjectLength: number;
  readonly maxPartialDepth: number;
  /** `#each` inside `#each` inside ... */
  readonly maxLoopNesting: number;
  /** Longest list (groups, tags) handed to a template; longer ones are cut. */
  readonly maxListItems: number;
  /** Longest string value handed to a template; longer ones are cut. */
  readonly maxStringLength: number;
  /** A trial render on worst-case data at check time must finish within this. */
  readonly maxRenderMillis: number;
  /** Largest rendered HTML, checked on the worst-case trial render. */
  readonly maxOutputLength: number;
}

export const DEFAULT_LIMITS: TemplateLimits = {
  maxSourceLength: 256 * 1024,
  maxExpandedLength: 512 * 1024,
  maxSubjectLength: 500,
  maxPartialDepth: 4,
  maxLoopNesting: 2,
  maxListItems: 100,
  maxStringLength: 1_000,
  maxRenderMillis: 200,
  maxOutputLength: 2 * 1024 * 1024,
};

export function resolveLimits(overrides: Partial<TemplateLimits> | undefined): TemplateLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}
