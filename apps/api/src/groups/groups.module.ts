import { Module } from '@nestjs/common';
import {
  DomainEventRepository,
  GroupRepository,
  GroupTreeService,
  Transactions,
} from '../../../../libs/domain/src/index.js';
import { GroupsController } from './groups.controller.js';

/** The group tree's REST API; GroupTreeService is exported for other features (rules, memberships). */
@Module({
  controllers: [GroupsController],
  providers: [GroupRepository, GroupTreeService, Transactions, DomainEventRepository],
  exports: [GroupTreeService, GroupRepository],
})
export class GroupsModule {}
