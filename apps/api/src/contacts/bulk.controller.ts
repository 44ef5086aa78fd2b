import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BulkContactsService } from '../../../../libs/domain/src/index.js';
import { BulkActionDto, BulkResultDto, mapBulkResult } from './bulk.dto.js';
import { RequestActor } from './request-actor.decorator.js';

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('v1/contacts/bulk')
export class BulkController {
  constructor(private readonly bulk: BulkContactsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Apply one action to many contacts',
    description:
      'Runs in chunks of 500 contacts, each chunk one transaction. Unknown ids are listed as failed with CONTACT_NOT_FOUND.',
  })
  @ApiOkResponse({ type: BulkResultDto })
  async run(@Body() body: BulkActionDto, @RequestActor() actor: string): Promise<BulkResultDto> {
    const { target, ...parameters } = body;
    return mapBulkResult(await this.bulk.run({ ...parameters, target: { ids: target.ids! }, actor }));
  }
}
