import { Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { TagService } from '../../../../libs/domain/src/index.js';
import { mapTag, TagListDto } from '../tags/tags.dto.js';
import { ChangeResponseDto } from './page.dto.js';
import { RequestActor } from './request-actor.decorator.js';
import { UuidParam } from './uuid-param.js';

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('v1/contacts/:id/tags')
export class ContactTagsController {
  constructor(private readonly tags: TagService) {}

  @Get()
  @ApiOperation({ summary: "The contact's tags, by name" })
  @ApiOkResponse({ type: TagListDto })
  async list(@UuidParam('id') id: string): Promise<TagListDto> {
    return { items: (await this.tags.ofContact(id)).map(mapTag) };
  }

  @Put(':name')
  @ApiOperation({ summary: 'Tag the contact, creating the tag if needed; a no-op when already tagged' })
  @ApiParam({ name: 'name', description: 'Tag name (URL-encoded), matched ignoring case' })
  @ApiOkResponse({ type: ChangeResponseDto })
  async tag(
    @UuidParam('id') contactId: string,
    @Param('name') name: string,
    @RequestActor() actor: string,
  ): Promise<ChangeResponseDto> {
    return { changed: await this.tags.tag({ contactId, name, actor }) };
  }

  @Delete(':name')
  @ApiOperation({ summary: 'Untag the contact; a no-op when it does not carry the tag' })
  @ApiParam({ name: 'name', description: 'Tag name (URL-encoded), matched ignoring case' })
  @ApiOkResponse({ type: ChangeResponseDto })
  async untag(
    @UuidParam('id') contactId: string,
    @Param('name') name: string,
    @RequestActor() actor: string,
  ): Promise<ChangeResponseDto> {
    return { changed: await this.tags.untag({ contactId, name, actor }) };
  }
}
