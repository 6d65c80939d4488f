import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerOrderRequest } from './orders';

/**
 * A shop backend for the examples: `GET /orders/{id}` with `Authorization: Bearer <token>`.
 * It listens on loopback only, since its token is printed and its orders are made up.
 */
export class ExampleShopServer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(port: number, token: string): Promise<ExampleShopServer> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const answer =
        req.method === 'GET'
          ? answerOrderRequest(path, req.headers.authorization, token)
          : { status: 405, body: { error: 'method_not_allowed', message: 'only GET' } };
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
    // `once(server, 'listening')` would reject with the bare error; a taken port needs words.
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE'
            ? new Error(
                `The example shop's port ${port} is taken: set EXAMPLE_SHOP_PORT to a free port, or to 0 for no shop`,
              )
            : error,
        ),
      );
      server.listen(port, '127.0.0.1', resolve);
    });
    const address = server.address() as AddressInfo;
    return new ExampleShopServer(server, `http://127.0.0.1:${address.port}`);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
