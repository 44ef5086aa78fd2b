import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { SegmentsController } from './segments.controller.js';

@Module({ imports: [ContactsModule], controllers: [SegmentsController] })
export class SegmentsModule {}
