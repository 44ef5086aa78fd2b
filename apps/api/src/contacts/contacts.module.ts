import { Module } from '@nestjs/common';
import {
  BulkContactsService,
  ContactQueryService,
  ContactRepository,
  ContactService,
  ContactUpsertService,
  DomainEventRepository,
  FieldDefinitionRepository,
  FieldSchemaService,
  MembershipRepository,
  MembershipService,
  SegmentRepository,
  SegmentService,
  TagRepository,
  TagService,
  TimelineService,
  Transactions,
  UserRepository,
  UserService,
} from '../../../../libs/domain/src/index.js';
import { SelectionsModule } from '../selections/selections.module.js';
import { BulkController } from './bulk.controller.js';
import { ContactGroupsController } from './contact-groups.controller.js';
import { ContactTagsController } from './contact-tags.controller.js';
import { ContactTimelineController } from './contact-timeline.controller.js';
import { ContactsController } from './contacts.controller.js';

/**
 * The CRM core's domain providers (contacts, memberships, tags, segments, the
 * field schema, users) and the contact endpoints. The tags, segments, fields and
 * users modules import it for their controllers. Bulk actions take their selection
 * targets from SelectionsModule.
 */
@Module({
  imports: [SelectionsModule],
  controllers: [
    BulkController,
    ContactsController,
    ContactGroupsController,
    ContactTagsController,
    ContactTimelineController,
  ],
  providers: [
    Transactions,
    DomainEventRepository,
    ContactRepository,
    ContactService,
    ContactQueryService,
    ContactUpsertService,
    MembershipRepository,
    MembershipService,
    TagRepository,
    TagService,
    SegmentRepository,
    SegmentService,
    FieldDefinitionRepository,
    FieldSchemaService,
    UserRepository,
    UserService,
    BulkContactsService,
    TimelineService,
  ],
  exports: [MembershipService, ContactService, TagService, SegmentService, FieldSchemaService, UserService],
})
export class ContactsModule {}
