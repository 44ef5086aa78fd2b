import { Controller, Get, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { LetterDownloadService } from '../../../../libs/domain/src/index.js';
import { UuidParam } from '../contacts/uuid-param.js';

@ApiTags('letters')
@ApiBearerAuth()
@Controller('v1/letters')
export class LetterDownloadsController {
  constructor(private readonly letters: LetterDownloadService) {}

  @Get(':id')
  @ApiOperation({
    summary: 'A letter a sequence printed (the delivery id from the contact timeline), as PDF',
  })
  @ApiProduces('application/pdf')
  @ApiResponse({
    status: 200,
    description: 'The PDF',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  async download(
    @UuidParam('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const letter = await this.letters.letter(id);
    void reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `inline; filename="${letter.fileName}"`);
    return letter.pdf;
  }
}
