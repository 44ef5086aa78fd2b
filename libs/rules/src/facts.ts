/**
 * What is known about one contact, shaped like its rows: built-in columns, the custom
 * jsonb object, memberships, tags and segments. Timestamps are ISO 8601 strings.
 */
export interface ContactFacts {
  id: string;
  /** Built-in fields by rule name (email, city, createdAt, ...); missing means NULL. */
  fields: Partial<Record<string, string | null>>;
  /** contacts.custom as JSON. */
  custom: Record<string, unknown>;
  memberships: { groupId: string; addedAt: string }[];
  tags: { name: string; taggedAt?: string }[];
  segments: { segmentId: string; addedAt?: string }[];
}
