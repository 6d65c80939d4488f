import { once } from 'node:events';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A Chat Completions request as the fake model received it. */
export interface LlmCall {
  path: string;
  headers: IncomingHttpHeaders;
  body: {
    model?: string;
    messages?: Array<{ role: string; content: string }>;
    temperature?: number;
    max_tokens?: number;
  };
}

/**
 * An OpenAI-compatible provider over real HTTP on a free port: POST /v1/chat/completions
 * answers `reply(call)` as the assistant's message; `status` other than 200 answers that
 * status with an error body instead. Every request is kept in `calls`.
 */
export class FakeLlm {
  readonly calls: LlmCall[] = [];
  status = 200;
  reply: (call: LlmCall) => string = () => 'Hello from the model';
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let body: LlmCall['body'] = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString()) as LlmCall['body'];
        } catch {
          // kept empty: the test sees what arrived
        }
        const call = { path: req.url ?? '', headers: req.headers, body };
        this.calls.push(call);
        res.writeHead(this.status, { 'content-type': 'application/json' });
        if (this.status !== 200 || req.url !== '/v1/chat/completions') {
          return void res.end(JSON.stringify({ error: { message: 'failing' } }));
        }
        const content = this.reply(call);
        res.end(
          JSON.stringify({
            id: 'chatcmpl-test',
            object: 'chat.completion',
            model: String(body.model ?? 'fake-model'),
            choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
            // Counted as a provider would roughly: a token per four characters.
            usage: {
              prompt_tokens: Math.ceil(JSON.stringify(body.messages ?? []).length / 4),
              completion_tokens: Math.ceil(content.length / 4),
            },
          }),
        );
      });
    });
  }

  static async start(): Promise<FakeLlm> {
    const llm = new FakeLlm();
    llm.server.listen(0, '127.0.0.1');
    await once(llm.server, 'listening');
    return llm;
  }

  /** The provider's base URL, as LLM_BASE_URL or an agent's `llm.url` takes it. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}
