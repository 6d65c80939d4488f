import { randomBytes } from 'node:crypto';
import { freePort } from '@app/launcher';
import { selfSignedCert } from './support/self-signed-cert';
import { TestStack } from './support/test-stack';
import { transcript } from './support/webim-client';

// A managed Redis: TLS with a certificate of its own CA, and a user with a password. The
// gateway and the worker reach it with a rediss:// URL and REDIS_TLS_CA_FILE, every one of
// their connections over TLS as that user, and the password appears in no log.

describe('Redis over TLS with a user and a password', () => {
  let stack: TestStack;
  let tlsPort: number;
  const password = randomBytes(18).toString('base64url');

  beforeAll(async () => {
    const { cert, key } = selfSignedCert();
    tlsPort = await freePort();
    stack = await TestStack.start({
      // The plain port stays open for the test's own client (the default user); the apps get
      // only the TLS port.
      redisArgs: [
        ...['--tls-port', String(tlsPort), '--tls-cert-file', cert, '--tls-key-file', key],
        ...['--tls-auth-clients', 'no'],
        ...['--user', 'app', 'on', `>${password}`, '~*', '&*', '+@all'],
      ],
      env: {
        REDIS_URL: `rediss://app:${password}@127.0.0.1:${tlsPort}`,
        REDIS_TLS_CA_FILE: cert,
      },
    });
    stack.secrets.add(password);
  });
  afterAll(() => stack?.close());

  it('answers a chat through the TLS port, every app connection as the user', async () => {
    const webim = stack.webim(await stack.demoWebhookUrl());
    const first = await webim.newChat('tls-1', { visitor: { id: 'v', firstname: 'Ann' } });
    expect(transcript(first.body)[0]).toMatch(/^Hello Ann/);
    const hours = await webim.press('tls-1', 'hours', 'Opening hours');
    expect(transcript(hours.body)[0]).toMatch(/^We are open/);

    const own = await stack.client.client('ID');
    const clients = ((await stack.client.client('LIST')) as string)
      .trim()
      .split('\n')
      .map((line) => Object.fromEntries(line.split(' ').map((f) => f.split('=', 2))));
    const apps = clients.filter((c) => c.id !== String(own));
    // Commands, subscriber and queue connections of the gateway, and the worker's BullMQ ones.
    expect(apps.length).toBeGreaterThanOrEqual(6);
    for (const client of apps) {
      expect({ name: client.name, laddr: client.laddr, user: client.user }).toEqual({
        name: client.name,
        laddr: `127.0.0.1:${tlsPort}`,
        user: 'app',
      });
    }
  });
});
