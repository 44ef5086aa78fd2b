import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const START_SCRIPT = path.resolve('dist/scripts/start.js');

/** The system as `npm start` runs it (after the build), in its own process group. */
export class SystemProcess {
  readonly output: string[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [START_SCRIPT], { env, stdio: 'pipe' });
    const collect = (chunk: Buffer) => this.output.push(...chunk.toString().split('\n'));
    this.child.stdout.on('data', collect);
    this.child.stderr.on('data', collect);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  async waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    while (Date.now() < deadline) {
      const line = this.output.find((candidate) => pattern.test(candidate));
      if (line) return line;
      if (exitCode !== undefined)
        throw new Error(`exited with ${exitCode} before ${pattern}:\n${this.tail()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** The line after the one that matches, e.g. the admin key printed below its heading. */
  lineAfter(pattern: RegExp): string | undefined {
    const index = this.output.findIndex((line) => pattern.test(line));
    return index >= 0 ? this.output[index + 1] : undefined;
  }

  terminate(): void {
    this.child.kill('SIGTERM');
  }

  tail(lines = 40): string {
    return this.output.slice(-lines).join('\n');
  }
}

/** Command lines of all live processes that mention the text (excluding this query itself). */
export function processesMentioning(text: string): string[] {
  const listing = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return listing
    .split('\n')
    .filter((line) => line.includes(text) && !line.includes('ps -eo'))
    .map((line) => line.trim());
}
