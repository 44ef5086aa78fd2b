import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { UsersController } from './users.controller.js';

@Module({ imports: [ContactsModule], controllers: [UsersController] })
export class UsersModule {}
