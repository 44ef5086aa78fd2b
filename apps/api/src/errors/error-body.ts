export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
  requestId?: string;
}

export function errorBody(
  code: string,
  message: string,
  details: Record<string, unknown>,
  requestId?: string,
) {
  const body: ErrorBody = { error: { code, message, details } };
  if (requestId) body.requestId = requestId;
  return body;
}
