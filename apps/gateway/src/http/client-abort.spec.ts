import { connectionClosed, isClientAbort } from './client-abort';

const withCode = (code: string) => Object.assign(new Error('x'), { code });

describe('isClientAbort', () => {
  it('is a connection error while the client’s own connection has closed', () => {
    for (const code of ['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']) {
      expect(isClientAbort(withCode(code), true)).toBe(true);
      // The same codes from Redis, with the client still there, are no abort.
      expect(isClientAbort(withCode(code), false)).toBe(false);
    }
    expect(isClientAbort(new Error('a bug'), true)).toBe(false);
    expect(isClientAbort('aborted', true)).toBe(false);
  });

  it("reads the connection of Fastify's request and of Node's own", () => {
    expect(connectionClosed({ raw: { socket: { destroyed: true } } })).toBe(true);
    expect(connectionClosed({ socket: { destroyed: true } })).toBe(true);
    expect(connectionClosed({ raw: { socket: { destroyed: false } } })).toBe(false);
    expect(connectionClosed(undefined)).toBe(false);
  });
});
