import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils.js';

// Committed histories of every workflow version; replaying them proves that
// changed workflow code still makes the same decisions for runs already in flight.
const HISTORIES_DIR = path.resolve('test/fixtures/histories');

export async function loadHistories(workflowType: string) {
  const dir = path.join(HISTORIES_DIR, workflowType);
  const files = (await readdir(dir)).filter((file) => file.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => ({
      workflowId: `${workflowType}/${file}`,
      history: historyFromJSON(JSON.parse(await readFile(path.join(dir, file), 'utf8'))),
    })),
  );
}

/** With RECORD_HISTORIES=1, stores the history of a finished run as a new replay fixture. */
export async function recordHistoryIfAsked(workflowType: string, name: string, handle: WorkflowHandle) {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  const dir = path.join(HISTORIES_DIR, workflowType);
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, `${name}.json`),
    `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 2)}\n`,
  );
}
