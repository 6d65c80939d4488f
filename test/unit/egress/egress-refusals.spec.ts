import { Egress, EgressSettings, Resolver } from '@app/egress';
import { FakeBackend } from '../../support/fake-backend';
import { testSettings } from './egress-settings';

/** A resolver that answers every name with `address`, as a rebinding DNS server might. */
const resolvingTo =
  (address: string, family = 4): Resolver =>
  (_host, _options, callback) =>
    callback(null, [{ address, family }]);

describe('Egress refusals', () => {
  let backend: FakeBackend;
  const open: Egress[] = [];
  beforeAll(async () => {
    backend = await FakeBackend.start();
  });
  afterAll(() => backend.stop());
  afterEach(async () => {
    await Promise.all(open.splice(0).map((e) => e.close()));
  });

  const egressWith = (settings: Partial<EgressSettings>, resolver?: Resolver): Egress => {
    const egress = new Egress(testSettings(settings), { resolver });
    open.push(egress);
    return egress;
  };
  const send = (egress: Egress, url: string) =>
    egress.send({ method: 'GET', url, timeoutMs: 2000, deadline: Date.now() + 4000 });

  it('refuses a host that is not allowed, and a port an entry does not allow, unsent', async () => {
    const egress = egressWith({ allowedHosts: [`localhost:${backend.port + 1}`] });
    const before = backend.requests.length;
    expect(await send(egress, `http://shop.example:${backend.port}/json`)).toEqual({
      kind: 'refused',
      reason: 'shop.example is not in EGRESS_ALLOWED_HOSTS',
    });
    expect(await send(egress, backend.url('/json', 'localhost'))).toMatchObject({
      kind: 'refused',
    });
    expect(backend.requests.length).toBe(before);
  });

  it('refuses what is not an http(s) URL, or carries credentials', async () => {
    const egress = egressWith({});
    expect(await send(egress, 'file:///etc/passwd')).toMatchObject({ kind: 'refused' });
    expect(await send(egress, 'not a url')).toMatchObject({ kind: 'refused', reason: 'not a URL' });
    expect(await send(egress, backend.url('/json', 'u:p@127.0.0.1'))).toMatchObject({
      kind: 'refused',
      reason: 'credentials in the URL',
    });
  });

  it('refuses an allowed host name that resolves to 127.0.0.1 when 127.0.0.1 is not allowed', async () => {
    const egress = egressWith({ allowedPrivate: [] }, resolvingTo('127.0.0.1'));
    const before = backend.requests.length;
    expect(await send(egress, `http://api.backend.test:${backend.port}/json`)).toEqual({
      kind: 'refused',
      reason: 'api.backend.test resolves to a loopback address, not in EGRESS_ALLOWED_PRIVATE',
    });
    expect(backend.requests.length).toBe(before);
  });

  it('refuses localhost through the real resolver when loopback is not allowed', async () => {
    const egress = egressWith({ allowedPrivate: [] });
    expect(await send(egress, backend.url('/json', 'localhost'))).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('loopback'),
    });
  });

  it('refuses IPv4-mapped IPv6 loopback, from the URL and from the resolver', async () => {
    const egress = egressWith({ allowedPrivate: [] }, resolvingTo('::ffff:127.0.0.1', 6));
    expect(await send(egress, backend.url('/json', '[::ffff:127.0.0.1]'))).toEqual({
      kind: 'refused',
      reason: '127.0.0.1 is a loopback address, not in EGRESS_ALLOWED_PRIVATE',
    });
    expect(await send(egress, `http://api.backend.test:${backend.port}/json`)).toMatchObject({
      kind: 'refused',
    });
  });

  it('connects to the allowed one of several resolved addresses', async () => {
    const egress = egressWith({}, (_host, _options, callback) =>
      callback(null, [
        { address: '10.0.0.1', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ]),
    );
    expect(await send(egress, `http://api.backend.test:${backend.port}/json`)).toMatchObject({
      kind: 'ok',
    });
  });

  it('refuses the metadata address even when its range is allowed', async () => {
    const egress = egressWith({
      allowedHosts: ['169.254.169.254'],
      allowedPrivate: ['169.254.0.0/16'],
    });
    expect(await send(egress, 'http://169.254.169.254/latest/meta-data/')).toEqual({
      kind: 'refused',
      reason: '169.254.169.254 is a cloud metadata address',
    });
  });
});
