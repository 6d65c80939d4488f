import { once } from 'node:events';
import { AddressInfo, createServer, Server, Socket, connect } from 'node:net';

/**
 * A TCP proxy in front of a Redis server that holds back, for `delayMs`, the handshake of every
 * connection whose first bytes match `slow` (ioredis opens a connection with CLIENT SETNAME
 * <name>), and passes every other connection through at once. It makes one named connection
 * of a process slow to become ready, which no timing of a real start can promise.
 */
export class SlowHandshakeProxy {
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(
    target: { host: string; port: number },
    slow: RegExp,
    delayMs: number,
  ): Promise<SlowHandshakeProxy> {
    const server = createServer();
    const proxy = new SlowHandshakeProxy(server);
    server.on('connection', (client) => proxy.relay(client, target, slow, delayMs));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(
    client: Socket,
    target: { host: string; port: number },
    slow: RegExp,
    delayMs: number,
  ): void {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.pipe(client);
    client.once('data', (first: Buffer) => {
      client.pause(); // nothing may overtake the held bytes; pipe() resumes it
      const forward = () => {
        upstream.write(first);
        client.pipe(upstream);
      };
      if (slow.test(first.toString('latin1'))) setTimeout(forward, delayMs).unref();
      else forward();
    });
  }
}
