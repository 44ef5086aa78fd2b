import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../../../libs/domain/src/index.js';
import { ApiError } from './api-error.js';
import { errorBody } from './error-body.js';
import { statusForErrorCode } from './error-status.js';

/** HTTP statuses Nest or Fastify raise on their own, mapped onto our stable codes. */
function translateHttpException(exception: HttpException): ApiError | undefined {
  switch (exception.getStatus()) {
    case 404:
      return new ApiError('ROUTE_NOT_FOUND', exception.message);
    case 405:
      return new ApiError('METHOD_NOT_ALLOWED', exception.message);
    case 413:
      return new ApiError('PAYLOAD_TOO_LARGE', 'the request body is larger than the limit');
    case 415:
      return new ApiError('UNSUPPORTED_MEDIA_TYPE', exception.message);
    case 400:
      return new ApiError('INVALID_JSON', exception.message);
    default:
      return undefined;
  }
}

/** Errors Fastify raises while reading a request (body size, content type, JSON syntax). */
function translateFastifyError(exception: unknown): ApiError | undefined {
  if (!(exception instanceof Error)) return undefined;
  const { statusCode, code } = exception as Error & { statusCode?: number; code?: string };
  if (typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  if (statusCode === 413)
    return new ApiError('PAYLOAD_TOO_LARGE', 'the request body is larger than the limit');
  if (statusCode === 415) return new ApiError('UNSUPPORTED_MEDIA_TYPE', exception.message);
  if (statusCode === 400) return new ApiError('INVALID_JSON', exception.message);
  return undefined;
}

/**
 * The one place where errors become HTTP responses. Known errors keep their code;
 * anything else is logged with the request id and answered with a generic 500.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const known =
      exception instanceof DomainError || exception instanceof ApiError
        ? exception
        : exception instanceof HttpException
          ? translateHttpException(exception)
          : translateFastifyError(exception);
    if (known) {
      const code = known.code as Parameters<typeof statusForErrorCode>[0];
      void reply
        .status(statusForErrorCode(code))
        .send(errorBody(code, known.message, known.details, request.id));
      return;
    }
    this.logger.error({ err: exception, requestId: request.id }, 'unhandled error');
    void reply
      .status(500)
      .send(
        errorBody(
          'INTERNAL_ERROR',
          'an unexpected error occurred; quote the request id when reporting it',
          {},
          request.id,
        ),
      );
  }
}
