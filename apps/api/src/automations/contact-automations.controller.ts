import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UuidParam } from '../contacts/uuid-param.js';
import { ContactAutomationListDto, mapContactAutomation } from './automations.dto.js';
import { ContactAutomationsService } from './contact-automations.service.js';

@ApiTags('automations')
@ApiBearerAuth()
@Controller('v1/contacts')
export class ContactAutomationsController {
  constructor(private readonly automations: ContactAutomationsService) {}

  @Get(':id/automations')
  @ApiOperation({
    summary:
      "The contact's sequences: current step and next wake-up (asked from the running workflow), Temporal UI links",
  })
  @ApiOkResponse({ type: ContactAutomationListDto })
  async list(@UuidParam('id') id: string): Promise<ContactAutomationListDto> {
    return { items: (await this.automations.forContact(id)).map(mapContactAutomation) };
  }
}
