import { jest } from '@jest/globals';

// An e2e test boots PostgreSQL, Temporal and both apps, possibly twice.
jest.setTimeout(240_000);
