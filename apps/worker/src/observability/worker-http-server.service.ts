import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import { WorkerEnv } from '@app/config';
import { WorkerHealth } from './worker-health.service';

/**
 * The worker's only HTTP surface: probes and metrics on WORKER_HTTP_PORT. A bare node:http
 * server rather than a Nest HTTP app, so that the worker stays an application context that
 * serves nothing else.
 */
@Injectable()
export class WorkerHttpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHttpServer.name);
  private server?: Server;

  constructor(
    private readonly env: WorkerEnv,
    private readonly registry: Registry,
    private readonly health: WorkerHealth,
  ) {}

  /** Listening before the worker reports ready; a port in use stops the start with its error. */
  async onApplicationBootstrap(): Promise<void> {
    const port = this.env.WORKER_HTTP_PORT;
    if (port === 0) return;
    const server = createServer((request, response) => void this.handle(request, response));
    server.listen(port);
    try {
      await once(server, 'listening');
    } catch (error) {
      throw new Error(
        `Cannot serve health and metrics on WORKER_HTTP_PORT=${port}: ${(error as Error).message}` +
          ' (choose a free port, or 0 to turn them off)',
        { cause: error },
      );
    }
    this.server = server;
    this.logger.log({ port }, `Health and metrics on port ${port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise((resolve) => server.close(resolve));
    // A scraper's keep-alive connection must not hold the exit up.
    server.closeAllConnections();
    await closed;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') {
      response.setHeader('Allow', 'GET');
      return sendJson(response, 405, { statusCode: 405, message: 'Method Not Allowed' });
    }
    try {
      if (path === '/metrics') {
        const text = await this.registry.metrics();
        response.writeHead(200, { 'Content-Type': Registry.PROMETHEUS_CONTENT_TYPE });
        response.end(text);
      } else if (path === '/health/live') {
        const { httpStatus, body } = await this.health.live();
        sendJson(response, httpStatus, body);
      } else if (path === '/health/ready') {
        const { httpStatus, body } = await this.health.ready();
        sendJson(response, httpStatus, body);
      } else {
        sendJson(response, 404, { statusCode: 404, message: 'Not Found' });
      }
    } catch (error) {
      this.logger.error({ path, err: (error as Error).message }, 'Probe or scrape failed');
      sendJson(response, 500, { statusCode: 500, message: 'Internal Server Error' });
    }
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}
