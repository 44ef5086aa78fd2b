import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BulkContactsService } from '../../../../libs/domain/src/index.js';
import { BulkActionDto, BulkResultDto, mapBulkResult, targetOfBulk } from './bulk.dto.js';
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
      'The target is a list of ids, or a selection as rule text or a saved selection. Runs in chunks of 500 ' +
      'contacts, each chunk one transaction; a selection is read chunk by chunk in id order, so an action that ' +
      'changes what it matches neither skips nor repeats a contact. Rule text with errors is refused with 400 ' +
      'RULE_INVALID and details.diagnostics before anything is written. Unknown ids are listed as failed with ' +
      'CONTACT_NOT_FOUND.',
  })
  @ApiOkResponse({ type: BulkResultDto })
  async run(@Body() body: BulkActionDto, @RequestActor() actor: string): Promise<BulkResultDto> {
    const { target, ...parameters } = body;
    return mapBulkResult(await this.bulk.run({ ...parameters, target: targetOfBulk(target), actor }));
  }
}
