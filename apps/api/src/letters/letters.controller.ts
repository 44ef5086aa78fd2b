import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { LetterService } from '../../../../libs/domain/src/index.js';
import { RenderLettersDto, revisionOf } from './letters.dto.js';

@ApiTags('letters')
@ApiBearerAuth()
@Controller('v1/letters')
export class LettersController {
  constructor(private readonly letters: LetterService) {}

  @Post('render')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Print a letter template for contacts as one PDF, each letter on new pages (503 PDF_RENDERER_UNAVAILABLE without Chromium)',
  })
  @ApiProduces('application/pdf')
  @ApiResponse({
    status: 200,
    description: 'The PDF',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  async render(
    @Body() body: RenderLettersDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const rendered = await this.letters.render({
      templateId: body.templateId,
      contactIds: body.contactIds,
      revision: revisionOf(body),
    });
    const file = `${rendered.templateName.replace(/[^A-Za-z0-9._-]+/g, '-')}.pdf`;
    void reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `inline; filename="${file}"`)
      .header('x-template-version', rendered.version === null ? 'draft' : String(rendered.version));
    return rendered.pdf;
  }
}
