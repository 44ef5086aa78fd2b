import type { CatalogTemplate } from '../../../rules/src/index.js';

/**
 * Where rules learn which templates and sequences exist. There are no template or
 * automation tables yet, so the default knows none; the feature that adds them binds
 * its own implementation to AUTOMATION_CATALOG.
 */
export interface AutomationCatalog {
  templates(): Promise<CatalogTemplate[]>;
  sequences(): Promise<string[]>;
}

export const AUTOMATION_CATALOG = Symbol('AUTOMATION_CATALOG');

export class EmptyAutomationCatalog implements AutomationCatalog {
  async templates(): Promise<CatalogTemplate[]> {
    return [];
  }

  async sequences(): Promise<string[]> {
    return [];
  }
}
