import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  id: number;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  headers: Record<string, string>;
}

const MAX_KEPT = 1_000;

/**
 * A development SMTP server that accepts every message and keeps the newest
 * ones in memory, so a person can read what the system sent at /dev/mailbox.
 */
export class MailCatcher {
  private readonly mails: CaughtMail[] = [];
  private nextId = 1;
  private server?: SMTPServer;
  private boundPort?: number;

  get port(): number {
    if (this.boundPort === undefined) throw new Error('the mail catcher is not listening');
    return this.boundPort;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async listen(port: number, host = '127.0.0.1'): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      banner: 'Trellis mail catcher',
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            const envelopeTo = session.envelope.rcptTo.map((rcpt) => rcpt.address);
            const headers: Record<string, string> = {};
            for (const line of parsed.headerLines)
              headers[line.key] = line.line.slice(line.key.length + 1).trim();
            this.keep({
              id: this.nextId++,
              receivedAt: new Date().toISOString(),
              from: parsed.from?.text ?? (session.envelope.mailFrom ? session.envelope.mailFrom.address : ''),
              to: envelopeTo,
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : null,
              headers,
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // smtp-server reports a client's dropped connection as an 'error' event; unheard,
    // it would crash the process that hosts the catcher (e.g. when a worker is killed mid-send).
    server.on('error', () => undefined);
    const address = server.server.address();
    this.boundPort = typeof address === 'object' && address ? address.port : port;
    this.server = server;
  }

  list(): CaughtMail[] {
    return [...this.mails].reverse();
  }

  clear(): void {
    this.mails.length = 0;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private keep(mail: CaughtMail): void {
    this.mails.push(mail);
    if (this.mails.length > MAX_KEPT) this.mails.shift();
  }
}
