import { jest } from '@jest/globals';

// Real servers answer in milliseconds, but a cold Temporal worker bundles its workflows first.
jest.setTimeout(60_000);
