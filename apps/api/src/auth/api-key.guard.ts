import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ApiKeyService, type ApiKeyRecord } from '../../../../libs/domain/src/index.js';
import { ApiError } from '../errors/api-error.js';
import { IS_PUBLIC } from './public.decorator.js';

export interface AuthenticatedRequest extends FastifyRequest {
  apiKey?: ApiKeyRecord;
}

/** The one place where requests are authenticated; scoped keys will extend it. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) {
      throw new ApiError('UNAUTHORIZED', 'send an API key as "Authorization: Bearer <key>"');
    }
    const key = await this.apiKeys.authenticate(match[1]!);
    if (!key) throw new ApiError('UNAUTHORIZED', 'the API key is not valid');
    request.apiKey = key;
    return true;
  }
}
