import { ArgumentsHost, NotFoundException } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { AllExceptionsFilter, REDIS_RETRY_AFTER_SEC } from './all-exceptions.filter';
import { RetryLaterException } from './retry-later.exception';

/** Fastify's reply as far as the filter uses it: headers it was given. */
class FakeReply {
  readonly headers: Record<string, string> = {};
  header(name: string, value: string) {
    this.headers[name] = value;
  }
}

/** Node's own response, which errors thrown by middleware carry. */
class FakeServerResponse {
  readonly headers: Record<string, string> = {};
  setHeader(name: string, value: string) {
    this.headers[name] = value;
  }
}

const errorWith = (message: string, fields: Record<string, string> = {}) =>
  Object.assign(new Error(message), fields);

describe('AllExceptionsFilter', () => {
  let replies: { body: unknown; status: number }[];
  let filter: AllExceptionsFilter;

  beforeEach(() => {
    replies = [];
    const httpAdapter = {
      reply: (_response: unknown, body: unknown, status: number) => replies.push({ body, status }),
    };
    filter = new AllExceptionsFilter({ httpAdapter } as unknown as HttpAdapterHost);
  });

  const hostFor = (response: unknown, clientGone = false) =>
    ({
      switchToHttp: () => ({
        getResponse: () => response,
        getRequest: () => ({ raw: { socket: { destroyed: clientGone } } }),
      }),
    }) as unknown as ArgumentsHost;

  it.each([
    [
      'a refused connection',
      errorWith('connect ECONNREFUSED 127.0.0.1:6379', { code: 'ECONNREFUSED' }),
    ],
    ['a closed connection', errorWith('Connection is closed.')],
    [
      'no offline queue',
      errorWith("Stream isn't writeable and enableOfflineQueue options is false"),
    ],
    [
      'retries spent',
      errorWith('Reached the max retries per request limit (which is 1).', {
        name: 'MaxRetriesPerRequestError',
      }),
    ],
    ['the command timeout', errorWith('Command timed out')],
    [
      'a connection reset while the client is still there',
      errorWith('read ECONNRESET', { code: 'ECONNRESET' }),
    ],
  ])('answers Redis being unreachable (%s) with 503 and Retry-After', (_case, error) => {
    const reply = new FakeReply();
    filter.catch(error, hostFor(reply));
    expect(replies).toEqual([
      {
        status: 503,
        body: {
          statusCode: 503,
          error: 'Service Unavailable',
          message: 'Redis cannot be reached; retry later',
        },
      },
    ]);
    expect(reply.headers).toEqual({ 'retry-after': String(REDIS_RETRY_AFTER_SEC) });
  });

  it('sets Retry-After on Node’s own response too (errors thrown by middleware)', () => {
    const response = new FakeServerResponse();
    filter.catch(new RetryLaterException(429, 'Too many', 42), hostFor(response));
    expect(replies).toEqual([
      { status: 429, body: { statusCode: 429, error: 'Too Many Requests', message: 'Too many' } },
    ]);
    expect(response.headers).toEqual({ 'retry-after': '42' });
  });

  it('answers nothing to a client that has gone away', () => {
    filter.catch(errorWith('aborted', { code: 'ECONNRESET' }), hostFor(new FakeReply(), true));
    expect(replies).toEqual([]);
  });

  it('answers other HTTP errors as they are, and anything else as a 500 with nothing shown', () => {
    const reply = new FakeReply();
    filter.catch(new NotFoundException('No channel "x"'), hostFor(reply));
    filter.catch(new Error('a bug, with internals'), hostFor(reply, true));
    expect(replies).toEqual([
      { status: 404, body: { statusCode: 404, error: 'Not Found', message: 'No channel "x"' } },
      {
        status: 500,
        body: { statusCode: 500, error: 'Internal Server Error', message: 'Internal error' },
      },
    ]);
    expect(reply.headers).toEqual({});
  });
});
