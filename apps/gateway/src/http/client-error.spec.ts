import { PassThrough } from 'node:stream';
import { answerClientError } from './client-error';

/** What a client whose connection broke HTTP reads back, and whether the socket was closed. */
function answerTo(code: string): { text: string; destroyed: boolean } {
  const socket = new PassThrough();
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  answerClientError(Object.assign(new Error(code), { code }), socket);
  return { text, destroyed: socket.destroyed };
}

describe('answerClientError', () => {
  it.each([
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'Request Timeout'],
    ['HPE_HEADER_OVERFLOW', 431, 'Request Header Fields Too Large'],
    ['HPE_INVALID_METHOD', 400, 'Bad Request'],
  ])(
    'answers %s with %i in the error format, says Connection: close, and closes',
    (code, status, error) => {
      const { text, destroyed } = answerTo(code);
      const [head, body] = text.split('\r\n\r\n');
      expect(head.split('\r\n')).toEqual([
        `HTTP/1.1 ${status} ${error}`,
        'Connection: close',
        'Content-Type: application/json; charset=utf-8',
        `Content-Length: ${Buffer.byteLength(body)}`,
      ]);
      expect(JSON.parse(body)).toEqual({ statusCode: status, error, message: expect.any(String) });
      expect(destroyed).toBe(true);
    },
  );

  it('writes nothing to a client that reset its connection', () => {
    expect(answerTo('ECONNRESET').text).toBe('');
  });
});
