import { Controller, Delete, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MembershipService } from '../../../../libs/domain/src/index.js';
import { MembershipListDto, mapMembership } from './contact-groups.dto.js';
import { ChangeResponseDto } from './page.dto.js';
import { RequestActor } from './request-actor.decorator.js';
import { UuidParam } from './uuid-param.js';

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('v1/contacts/:id/groups')
export class ContactGroupsController {
  constructor(private readonly memberships: MembershipService) {}

  @Get()
  @ApiOperation({ summary: "The contact's direct group memberships" })
  @ApiOkResponse({ type: MembershipListDto })
  async list(@UuidParam('id') id: string): Promise<MembershipListDto> {
    return { items: (await this.memberships.list(id)).map(mapMembership) };
  }

  @Put(':groupId')
  @ApiOperation({ summary: 'Add the contact to a group; a no-op (and no event) when already a member' })
  @ApiOkResponse({ type: ChangeResponseDto })
  async add(
    @UuidParam('id') contactId: string,
    @UuidParam('groupId') groupId: string,
    @RequestActor() actor: string,
  ): Promise<ChangeResponseDto> {
    return { changed: await this.memberships.add({ contactId, groupId, actor, source: 'api' }) };
  }

  @Delete(':groupId')
  @ApiOperation({ summary: 'Remove the contact from a group; a no-op when not a member' })
  @ApiOkResponse({ type: ChangeResponseDto })
  async remove(
    @UuidParam('id') contactId: string,
    @UuidParam('groupId') groupId: string,
    @RequestActor() actor: string,
  ): Promise<ChangeResponseDto> {
    return { changed: await this.memberships.remove({ contactId, groupId, actor, source: 'api' }) };
  }
}
