import type { AutomationDefinitions } from '../../../rules/src/index.js';

export interface Automation {
  id: string;
  name: string;
  /** The rule text as last saved; activation compiles it into a new version. */
  source: string;
  activeVersionId: string | null;
  activeVersion: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** An immutable compiled version; entries keep the version they started with. */
export interface AutomationVersion {
  id: string;
  automationId: string;
  version: number;
  source: string;
  definitions: AutomationDefinitions;
  exitOnLeavingStartGroup: boolean;
  createdBy: string;
  createdAt: Date;
}

export interface ActiveAutomation {
  automationId: string;
  name: string;
  versionId: string;
  version: number;
  definitions: AutomationDefinitions;
  exitOnLeavingStartGroup: boolean;
}
