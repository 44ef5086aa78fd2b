import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '../auth/api-key.guard.js';

/** Who makes a change: the name of the API key the request was authenticated with. */
export const RequestActor = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  return request.apiKey?.name ?? 'anonymous';
});
