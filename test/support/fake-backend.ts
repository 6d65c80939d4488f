import { once } from 'node:events';
import {
  createServer,
  IncomingHttpHeaders,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A business's backend as egress tests need it, over real HTTP on a free port:
 *   /json              200 {"ok":true}
 *   /echo              200 the request's method, content type and body, as JSON
 *   /text              200 text/plain
 *   /slow?ms=N         200 JSON after N ms
 *   /hang              never answers
 *   /status/N          status N with a JSON body
 *   /malformed         200 application/json that is not JSON
 *   /huge?mb=N         200 N MiB of JSON-ish bytes, written as fast as the client reads
 *   /huge-declared     200 with Content-Length 100 MiB, nothing sent
 *   /endless           200 chunked, a chunk every 5 ms, never ends
 *   /redirect?to=URL   302 to URL
 *   /orders/ID         200 {"id": ID, "status": "shipped"}
 *   /held/KEY          200 {"key": KEY, "status": "shipped"} once the test calls release(KEY);
 *                      until then the request waits (`held(KEY)` tells when it has come)
 * `failing` turns every route into 500 (for breaker tests); `inFlight`/`maxInFlight` count
 * requests being answered; `hugeBytesWritten` counts the bytes /huge managed to write;
 * `received` keeps each request's path and headers.
 */
export class FakeBackend {
  readonly requests: string[] = [];
  readonly received: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  failing = false;
  inFlight = 0;
  maxInFlight = 0;
  hugeBytesWritten = 0;
  private readonly server: Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly holding = new Map<string, ServerResponse[]>();

  private constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  static async start(host = '127.0.0.1'): Promise<FakeBackend> {
    const backend = new FakeBackend();
    backend.server.listen(0, host);
    await once(backend.server, 'listening');
    return backend;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path: string, host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  /** How many requests for /held/KEY wait for release(KEY). */
  held(key: string): number {
    return this.holding.get(key)?.length ?? 0;
  }

  /** Answers every request waiting on /held/KEY. */
  release(key: string, status = 'shipped'): void {
    for (const res of this.holding.get(key) ?? []) json(res, 200, { key, status });
    this.holding.delete(key);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://backend');
    this.requests.push(url.pathname);
    this.received.push({ path: url.pathname, headers: req.headers });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => this.inFlight--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (this.failing) return json(res, 500, { error: 'failing' });
      this.route(url, req, Buffer.concat(chunks).toString(), res);
    });
  }

  private route(url: URL, req: IncomingMessage, body: string, res: ServerResponse): void {
    const path = url.pathname;
    if (path === '/json') return json(res, 200, { ok: true });
    if (path === '/echo') {
      return json(res, 200, { method: req.method, type: req.headers['content-type'], body });
    }
    if (path === '/text') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end('plain words');
    }
    if (path === '/slow') {
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          json(res, 200, { slow: true });
        },
        Number(url.searchParams.get('ms')),
      );
      this.timers.add(timer);
      return;
    }
    if (path === '/hang') return;
    if (path.startsWith('/held/')) {
      const key = decodeURIComponent(path.slice(6));
      this.holding.set(key, [...(this.holding.get(key) ?? []), res]);
      return;
    }
    if (path.startsWith('/status/')) return json(res, Number(path.slice(8)), { error: 'status' });
    if (path === '/malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"not": json');
    }
    if (path === '/huge') return this.huge(res, Number(url.searchParams.get('mb')) * 1024 * 1024);
    if (path === '/huge-declared') {
      res.writeHead(200, { 'content-length': String(100 * 1024 * 1024) });
      return void res.flushHeaders();
    }
    if (path === '/endless') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '.repeat(1024)), 5);
      this.timers.add(timer);
      res.on('close', () => {
        clearInterval(timer);
        this.timers.delete(timer);
      });
      return;
    }
    if (path === '/redirect') {
      res.writeHead(302, { location: url.searchParams.get('to') ?? '/' });
      return void res.end();
    }
    if (path.startsWith('/orders/')) {
      return json(res, 200, { id: decodeURIComponent(path.slice(8)), status: 'shipped' });
    }
    json(res, 404, { error: 'no such route' });
  }

  /** Writes `total` bytes as the client takes them, stopping when the client goes away. */
  private huge(res: ServerResponse, total: number): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let closed = false;
    res.on('close', () => (closed = true));
    const pump = (): void => {
      while (!closed && this.hugeBytesWritten < total) {
        this.hugeBytesWritten += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!closed) res.end();
    };
    pump();
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
