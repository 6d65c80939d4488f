import { once } from 'node:events';
import { connect, Socket } from 'node:net';
import { withTimeout } from '@app/redis';

/** One HTTP/1.1 response as it came over the wire; header names in lower case. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A TCP connection to a server that sends exactly the bytes a test writes: what fetch cannot
 * send (a body trickled in, oversized headers, chunked framing with no body, a request cut off
 * halfway) and what it hides (whether the server closes the connection, and when).
 */
export class RawConnection {
  private received = '';
  private readonly openedAt = Date.now();
  private closedAt?: number;
  /** Resolves, never rejects, when the connection has closed, whoever closed it. */
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (this.received += chunk));
    // A reset from the server is a way of closing too; the test looks at what arrived before.
    socket.on('error', () => undefined);
    this.closed = once(socket, 'close').then(() => {
      this.closedAt = Date.now();
    });
  }

  static async open(port: number, localAddress?: string): Promise<RawConnection> {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    await once(socket, 'connect');
    return new RawConnection(socket);
  }

  get isClosed(): boolean {
    return this.closedAt !== undefined;
  }

  /** How long the connection was open, once it has closed. */
  get openMs(): number | undefined {
    return this.closedAt === undefined ? undefined : this.closedAt - this.openedAt;
  }

  /** Everything the server sent so far. */
  get text(): string {
    return this.received;
  }

  write(data: string): void {
    if (!this.socket.destroyed) this.socket.write(data, 'latin1');
  }

  /** Closes the connection at once, as a client that gives up does. */
  abort(): void {
    this.socket.destroy();
  }

  /**
   * The first complete response (its Content-Length read in full), or what arrived before the
   * connection closed; fails after `timeoutMs`.
   */
  async response(timeoutMs = 5000): Promise<RawResponse> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const parsed = parseResponse(this.received);
      if (parsed) return parsed;
      if (this.isClosed) throw new Error(`closed before a whole response: ${this.received}`);
      const left = until - Date.now();
      if (left <= 0) throw new Error(`no whole response within ${timeoutMs} ms: ${this.received}`);
      await Promise.race([
        once(this.socket, 'data'),
        this.closed,
        new Promise((resolve) => setTimeout(resolve, left).unref()),
      ]);
    }
  }
}

function parseResponse(text: string): RawResponse | undefined {
  const response = parseHead(text);
  if (!response) return undefined;
  const length = Number(response.headers['content-length'] ?? 0);
  if (Buffer.byteLength(response.body, 'latin1') < length) return undefined;
  return { ...response, body: response.body.slice(0, length) };
}

/** Status line and headers; the body is everything after them, as it came. */
function parseHead(text: string): RawResponse | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  if (!status) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(status), headers, body: text.slice(end + 4) };
}

/** A request's head: the request line and headers, then the blank line. */
export function requestHead(
  method: string,
  path: string,
  headers: Record<string, string | number> = {},
): string {
  const lines = Object.entries({ host: '127.0.0.1', ...headers }).map(([k, v]) => `${k}: ${v}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

export interface RawRequest {
  method?: string;
  /** The request target exactly as it goes on the request line: `/a%2Fb`, `http://h/x`, `*`. */
  target: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * One HTTP/1.1 exchange over a fresh connection, the request line written byte for byte (as
 * UTF-8) and the whole answer read until the server closes. fetch and every HTTP client library
 * parse and normalise the URL (dot segments, case of the scheme, percent-encoding) before
 * sending it, so they cannot send what an attacker sends.
 */
export async function rawHttp(port: number, request: RawRequest): Promise<RawResponse> {
  const { method = 'GET', target, headers = {}, body } = request;
  const connection = await RawConnection.open(port);
  const head = requestHead(method, target, {
    host: `127.0.0.1:${port}`,
    connection: 'close',
    ...headers,
    ...(body !== undefined && { 'content-length': Buffer.byteLength(body) }),
  });
  connection.write(Buffer.from(head + (body ?? ''), 'utf8').toString('latin1'));
  try {
    await withTimeout(connection.closed, 10_000).catch((error: Error) => {
      throw new Error(`${method} ${target}: ${error.message}`);
    });
  } finally {
    connection.abort();
  }
  const text = Buffer.from(connection.text, 'latin1').toString('utf8');
  const response = parseHead(text);
  if (!response) throw new Error(`${method} ${target}: not an HTTP answer: ${text}`);
  return response;
}
