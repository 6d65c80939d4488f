import { connect } from 'node:net';

/** A response as read off the socket: nothing normalised, nothing decoded but the status. */
export interface RawResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Everything after the blank line (chunked bodies keep their chunk sizes). */
  body: string;
}

export interface RawRequest {
  method?: string;
  /** The request target exactly as it goes on the request line: `/a%2Fb`, `http://h/x`, `*`. */
  target: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * One HTTP/1.1 exchange over a fresh TCP connection, the request line written byte for byte.
 * fetch and every HTTP client library parse and normalise the URL (dot segments, case of the
 * scheme, percent-encoding) before sending it, so they cannot send what an attacker sends.
 */
export function rawHttp(port: number, request: RawRequest): Promise<RawResponse> {
  const { method = 'GET', target, headers = {}, body } = request;
  const lines = [`${method} ${target} HTTP/1.1`, `host: 127.0.0.1:${port}`, 'connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body !== undefined) lines.push(`content-length: ${Buffer.byteLength(body)}`);
  const head = `${lines.join('\r\n')}\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer to ${method} ${target}`)));
    socket.on('connect', () => socket.write(body === undefined ? head : head + body));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine, ...headerLines] = text
        .slice(0, split < 0 ? text.length : split)
        .split('\r\n');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
      if (!status) return reject(new Error(`${method} ${target}: not an HTTP answer: ${text}`));
      const parsed: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        parsed[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({
        status: Number(status),
        headers: parsed,
        body: split < 0 ? '' : text.slice(split + 4),
      });
    });
  });
}
