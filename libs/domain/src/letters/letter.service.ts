import { Inject, Injectable } from '@nestjs/common';
import { renderLetterHtml } from '../../../templates/src/index.js';
import { TemplateError } from '../errors/domain-error.js';
import { CompiledTemplateService, type TemplateRevision } from '../templates/compiled-template.service.js';
import { RenderDataService } from '../templates/render-data.service.js';
import { PDF_RENDERER, type PdfRenderer } from './pdf-renderer.js';

export interface RenderedLetters {
  pdf: Buffer;
  templateName: string;
  /** The version printed; null for the draft. */
  version: number | null;
}

/** Letters as one PDF: a letter per contact, each starting on a new page. */
@Injectable()
export class LetterService {
  constructor(
    private readonly compiledTemplates: CompiledTemplateService,
    private readonly renderData: RenderDataService,
    @Inject(PDF_RENDERER) private readonly pdf: PdfRenderer,
  ) {}

  /** Prints the newest published version unless a version (or the draft, for a proof) is chosen. */
  async render(request: {
    templateId: string;
    contactIds: readonly string[];
    revision?: TemplateRevision;
  }): Promise<RenderedLetters> {
    const resolved = await this.compiledTemplates.resolve(request.templateId, request.revision ?? 'latest');
    const { compiled } = resolved;
    if (compiled.kind !== 'letter') {
      throw new TemplateError(
        'TEMPLATE_KIND_MISMATCH',
        `"${resolved.template.name}" is an email template, not a letter`,
        {
          templateId: request.templateId,
        },
      );
    }
    const letters = await this.renderData.forContacts(request.contactIds);
    const html = renderLetterHtml(compiled.template, letters, { title: resolved.template.name });
    return {
      pdf: await this.pdf.render(html),
      templateName: resolved.template.name,
      version: resolved.version,
    };
  }
}
