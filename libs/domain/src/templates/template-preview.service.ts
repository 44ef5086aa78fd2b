import { Inject, Injectable } from '@nestjs/common';
import {
  TemplateRenderError,
  createMimeComposer,
  htmlToPlainText,
  renderLetterHtml,
} from '../../../templates/src/index.js';
import type { TemplateData } from '../../../templates/src/index.js';
import { TemplateError } from '../errors/domain-error.js';
import { CompiledTemplateService } from './compiled-template.service.js';
import { MAIL_SENDER, type MailSender } from './mail-sender.js';
import { type PreviewSource, RenderDataService } from './render-data.service.js';
import type { CompiledTemplate } from './template-compiler.js';

export interface TemplatePreview {
  subject: string;
  preheader: string;
  /** The email's HTML, or the letter as one print-ready HTML document. */
  html: string;
  text: string;
  /** The version rendered; null for the draft. */
  version: number | null;
}

export interface TestSendResult {
  messageId: string;
  subject: string;
  version: number | null;
}

/** Rendering outside a send: previews of drafts and versions, and test mails to one address. */
@Injectable()
export class TemplatePreviewService {
  constructor(
    private readonly compiledTemplates: CompiledTemplateService,
    private readonly renderData: RenderDataService,
    @Inject(MAIL_SENDER) private readonly mail: MailSender,
  ) {}

  /** Renders the draft, or a published version, for a contact, given data or the sample contact. */
  async preview(
    templateId: string,
    request: { source: PreviewSource; version?: number },
  ): Promise<TemplatePreview> {
    const resolved = await this.compiledTemplates.resolve(templateId, request.version ?? 'draft');
    const data = await this.renderData.forPreview(request.source);
    return { ...renderPreview(resolved.compiled, data), version: resolved.version };
  }

  /**
   * Sends the draft (or a version) as a real message through the configured SMTP
   * server, headers included: List-Unsubscribe points at preview links.
   */
  async testSend(
    templateId: string,
    request: { to: string; source: PreviewSource; version?: number },
  ): Promise<TestSendResult> {
    const resolved = await this.compiledTemplates.resolve(templateId, request.version ?? 'draft');
    const { compiled } = resolved;
    if (compiled.kind !== 'email') {
      throw new TemplateError(
        'TEMPLATE_KIND_MISMATCH',
        'only email templates can be sent; letters are printed',
        {
          templateId,
        },
      );
    }
    const data = await this.renderData.forPreview(request.source);
    const composed = renderSafely(() =>
      createMimeComposer(compiled.template, {
        from: this.mail.from,
        headers: { 'X-Trellis-Test-Send': `${resolved.template.name} (${resolved.version ?? 'draft'})` },
      }).compose(data, { to: { address: request.to } }),
    );
    await this.mail.send({ from: this.mail.from.address, to: request.to, raw: composed.raw });
    return { messageId: composed.messageId, subject: composed.subject, version: resolved.version };
  }
}

function renderSafely<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof TemplateRenderError) {
      throw new TemplateError('TEMPLATE_DATA_INVALID', error.message, { reason: error.code });
    }
    throw error;
  }
}

const LETTER_SUBJECT = /<h1 class="subject">([\s\S]*?)<\/h1>/;

function renderPreview(compiled: CompiledTemplate, data: TemplateData): Omit<TemplatePreview, 'version'> {
  return renderSafely(() => {
    if (compiled.kind === 'email') return compiled.template.render(data);
    const html = renderLetterHtml(compiled.template, [data]);
    // The letter frame prints the rendered subject as its heading; the library returns only the page.
    const subject = htmlToPlainText(LETTER_SUBJECT.exec(html)?.[1] ?? '').trim();
    return { subject, preheader: '', html, text: htmlToPlainText(html) };
  });
}
