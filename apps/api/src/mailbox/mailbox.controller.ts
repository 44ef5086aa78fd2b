import { Controller, Delete, Get, Headers, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { CaughtMail } from '../../../../libs/platform/src/index.js';
import { API_SETTINGS, type ApiSettings } from '../api-settings.js';
import { Public } from '../auth/public.decorator.js';
import { ApiError } from '../errors/api-error.js';
import { renderMailboxPage } from './mailbox.page.js';

/** The developer mailbox: what the in-process mail catcher received, as JSON or as a page. */
@ApiExcludeController()
@Public()
@Controller('dev/mailbox')
export class MailboxController {
  constructor(@Inject(API_SETTINGS) private readonly settings: ApiSettings) {}

  @Get()
  list(@Headers('accept') accept: string | undefined, @Res() reply: FastifyReply): void {
    const mails = this.mails();
    if (accept?.includes('text/html')) {
      void reply.type('text/html; charset=utf-8').send(renderMailboxPage(mails));
      return;
    }
    void reply.send({ mails });
  }

  @Delete()
  @HttpCode(204)
  clear(): void {
    this.mails();
    this.settings.mailCatcher?.clear();
  }

  private mails(): CaughtMail[] {
    if (!this.settings.mailCatcher) {
      throw new ApiError('MAIL_CATCHER_DISABLED', 'SMTP_URL is set, so no mail catcher runs in this process');
    }
    return this.settings.mailCatcher.list();
  }
}
