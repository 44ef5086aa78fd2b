import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { FieldsController } from './fields.controller.js';

@Module({ imports: [ContactsModule], controllers: [FieldsController] })
export class FieldsModule {}
