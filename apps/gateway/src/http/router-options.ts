import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { ID_RULES } from '@app/ids';
import { errorBody, ErrorBody } from './error-body';

/**
 * How long a path parameter may be before the router itself refuses the request. Fastify's
 * default (100) is shorter than the ids the webhook accepts: set to the longest a chat id can
 * be, percent-encoded byte by byte, so that every id the rule allows reaches its route, and one
 * that breaks the rule gets its pipe's answer (400, naming the problem).
 */
export const MAX_PARAM_LENGTH = ID_RULES.webim.maxEncodedLength;

/** The answer to a request the router refuses before any route: status and error body. */
export function routerRefusal(error: Pick<FastifyError, 'code'>): ErrorBody {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return errorBody(400, 'The path is not valid percent-encoded UTF-8');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      // The same status as an id its pipe refuses, whatever its length.
      return errorBody(400, `A path segment is longer than ${MAX_PARAM_LENGTH} characters`);
    default:
      return errorBody(500, 'Internal error');
  }
}

function answerRouterRefusal(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const body = routerRefusal(error);
  void reply.code(body.statusCode).send(body);
}

/**
 * The router's options: its parameter length, and its own errors (a path that is not UTF-8,
 * a parameter past the length) in the product's error format. Fastify's bodies for them echo
 * the path and carry its internal error code.
 */
export const ROUTER_OPTIONS: Pick<FastifyServerOptions, 'routerOptions' | 'frameworkErrors'> = {
  routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  // Fastify types the handler generically over every route's schema; this one serves none.
  frameworkErrors: answerRouterRefusal as FastifyServerOptions['frameworkErrors'],
};
