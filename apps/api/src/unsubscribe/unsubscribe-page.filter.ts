import { type ArgumentsHost, Catch } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConsentError } from '../../../../libs/domain/src/index.js';
import { statusForErrorCode } from '../errors/error-status.js';
import { ApiExceptionFilter } from '../errors/exception.filter.js';
import { privateLinkHeaders, renderProblemPage, wantsHtml } from './unsubscribe.page.js';

/**
 * A person who clicked a broken or outdated link sees a page, with the status
 * and code the API maps it to; API clients get the usual error body.
 */
@Catch()
export class UnsubscribePageFilter extends ApiExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    if (exception instanceof ConsentError && wantsHtml(request.headers.accept)) {
      void privateLinkHeaders(http.getResponse<FastifyReply>())
        .status(statusForErrorCode(exception.code))
        .type('text/html; charset=utf-8')
        .send(renderProblemPage(exception.message, exception.code));
      return;
    }
    super.catch(exception, host);
  }
}
