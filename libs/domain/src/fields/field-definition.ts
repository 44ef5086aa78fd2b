export const FIELD_TYPES = ['text', 'number', 'date', 'boolean', 'enum'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** One custom contact field of the typed schema. */
export interface FieldDefinition {
  key: string;
  label: string;
  type: FieldType;
  /** The allowed values of an `enum` field; empty for every other type. */
  options: string[];
  createdAt: Date;
}

export interface NewFieldDefinition {
  key: string;
  label: string;
  type: FieldType;
  options?: string[];
}

export interface FieldDefinitionPatch {
  label?: string;
  options?: string[];
}
