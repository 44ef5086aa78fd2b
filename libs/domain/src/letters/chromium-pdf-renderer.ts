import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { OnApplicationShutdown } from '@nestjs/common';
import { type Browser, chromium } from 'playwright-core';
import { LetterError } from '../errors/domain-error.js';
import type { PdfRenderer } from './pdf-renderer.js';

/** No GPU, no network of its own, nothing Chromium would fetch or sync in the background. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const LAUNCH_TIMEOUT_MS = 30_000;
const RENDER_TIMEOUT_MS = 60_000;

/**
 * Prints with the system's Chromium (Debian's `chromium`, never a browser a tool
 * downloads) through playwright-core. One browser per process, launched on first
 * use with a fresh temporary profile and closed at shutdown; each document gets
 * its own context with scripts off and every network request refused.
 */
export class ChromiumPdfRenderer implements PdfRenderer, OnApplicationShutdown {
  private browser?: Promise<Browser>;

  constructor(private readonly executablePath: string) {}

  async render(html: string): Promise<Buffer> {
    const browser = await this.launched();
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      // Letters are checked to hold no active content; this also keeps images and fonts from being fetched.
      await context.route('**/*', (route) => route.abort());
      const page = await context.newPage();
      page.setDefaultTimeout(RENDER_TIMEOUT_MS);
      await page.setContent(html, { waitUntil: 'load' });
      return await page.pdf({ preferCSSPageSize: true, printBackground: true });
    } finally {
      await context.close().catch(() => undefined);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    const pending = this.browser;
    this.browser = undefined;
    const browser = await pending?.catch(() => undefined);
    await browser?.close().catch(() => undefined);
  }

  private launched(): Promise<Browser> {
    this.browser ??= this.launch().catch((error: unknown) => {
      this.browser = undefined;
      throw error;
    });
    return this.browser;
  }

  private async launch(): Promise<Browser> {
    const unavailable = (reason: string) =>
      new LetterError('PDF_RENDERER_UNAVAILABLE', `PDF letters need Chromium: ${reason}`, {
        chromiumPath: this.executablePath,
      });
    try {
      await access(this.executablePath, constants.X_OK);
    } catch {
      throw unavailable(
        `there is no executable at ${this.executablePath}; install Debian's chromium package (npm run setup does) or set CHROMIUM_PATH`,
      );
    }
    let browser: Browser;
    try {
      browser = await chromium.launch({
        executablePath: this.executablePath,
        headless: true,
        args: CHROMIUM_ARGS,
        timeout: LAUNCH_TIMEOUT_MS,
      });
    } catch (error) {
      throw unavailable(
        `${this.executablePath} did not start (${String((error as Error).message).split('\n')[0]})`,
      );
    }
    browser.on('disconnected', () => {
      this.browser = undefined;
    });
    return browser;
  }
}
