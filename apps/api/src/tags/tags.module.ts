import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { TagsController } from './tags.controller.js';

@Module({ imports: [ContactsModule], controllers: [TagsController] })
export class TagsModule {}
