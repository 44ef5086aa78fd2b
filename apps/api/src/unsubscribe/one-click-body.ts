import { errorCodes, type FastifyInstance } from 'fastify';

/** Route config flag (`@RouteConfig`) of the routes that take an RFC 8058 one-click POST. */
export const ONE_CLICK_ROUTE = 'oneClickUnsubscribe';

declare module 'fastify' {
  interface FastifyContextConfig {
    [ONE_CLICK_ROUTE]?: boolean;
  }
}

const MULTIPART = 'multipart/form-data';

/**
 * RFC 8058 says the one-click POST SHOULD be multipart/form-data (urlencoded is
 * already parsed by Nest). Everything the request needs is in the URL, so on the
 * routes that opt in the body is read up to a small limit and dropped; every other
 * route keeps refusing multipart with 415, as before.
 */
export function acceptOneClickMultipart(fastify: FastifyInstance): void {
  if (fastify.hasContentTypeParser(MULTIPART)) return;
  fastify.addContentTypeParser(
    MULTIPART,
    { parseAs: 'buffer', bodyLimit: 16 * 1024 },
    (request, _body, done) => {
      if (request.routeOptions.config?.[ONE_CLICK_ROUTE] === true) done(null, {});
      else done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(MULTIPART), undefined);
    },
  );
}
