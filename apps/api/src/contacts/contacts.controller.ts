import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  ContactQueryService,
  ContactService,
  ContactUpsertService,
} from '../../../../libs/domain/src/index.js';
import {
  ContactPageDto,
  ContactResponseDto,
  CreateContactDto,
  ListContactsQueryDto,
  mapContact,
  UpdateContactDto,
  UpsertContactDto,
  UpsertContactResponseDto,
} from './contacts.dto.js';
import { RequestActor } from './request-actor.decorator.js';
import { UuidParam } from './uuid-param.js';

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('v1/contacts')
export class ContactsController {
  constructor(
    private readonly contacts: ContactService,
    private readonly queries: ContactQueryService,
    private readonly upserts: ContactUpsertService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a person or a company' })
  @ApiCreatedResponse({ type: ContactResponseDto })
  async create(@Body() body: CreateContactDto, @RequestActor() actor: string): Promise<ContactResponseDto> {
    const { kind, ...fields } = body;
    return mapContact(await this.contacts.create({ ...fields, kind: kind ?? 'person' }, actor));
  }

  @Post('upsert')
  @ApiOperation({
    summary: 'Create or update a person by email, adding groups (by path) and tags in the same call',
    description: '201 when the person was created, 200 when updated. An unknown group path writes nothing.',
  })
  @ApiOkResponse({ type: UpsertContactResponseDto })
  @ApiCreatedResponse({ type: UpsertContactResponseDto })
  async upsert(
    @Body() body: UpsertContactDto,
    @RequestActor() actor: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UpsertContactResponseDto> {
    const { contact, created } = await this.upserts.upsert(body, actor);
    void reply.status(created ? 201 : 200);
    return { created, contact: mapContact(contact) };
  }

  @Get()
  @ApiOperation({ summary: 'List contacts, newest first: search, filter by group or tag' })
  @ApiOkResponse({ type: ContactPageDto })
  async list(@Query() query: ListContactsQueryDto): Promise<ContactPageDto> {
    const { cursor, limit, includeSubgroups, ...filter } = query;
    const page = await this.queries.list(
      { ...filter, includeSubgroups: includeSubgroups !== 'false' },
      { cursor, limit },
    );
    return { items: page.items.map(mapContact), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One contact' })
  @ApiOkResponse({ type: ContactResponseDto })
  async get(@UuidParam('id') id: string): Promise<ContactResponseDto> {
    return mapContact(await this.queries.get(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change fields; absent fields stay, null clears one' })
  @ApiOkResponse({ type: ContactResponseDto })
  async update(
    @UuidParam('id') id: string,
    @Body() body: UpdateContactDto,
    @RequestActor() actor: string,
  ): Promise<ContactResponseDto> {
    return mapContact(await this.contacts.update(id, body, actor));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Erase a contact (GDPR)',
    description:
      'The contact, its memberships, tags, segment entries and event history are deleted; an anonymous contact.deleted event remains.',
  })
  @ApiNoContentResponse({ description: 'Erased' })
  async delete(@UuidParam('id') id: string, @RequestActor() actor: string): Promise<void> {
    await this.contacts.delete(id, actor);
  }
}
