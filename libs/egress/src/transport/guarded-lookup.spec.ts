import type { LookupAddress } from 'node:dns';
import { AddressRules } from '../rules/address-rules';
import { EgressRefusal, guardedLookup, Resolver } from './guarded-lookup';

const answering =
  (...addresses: LookupAddress[]): Resolver =>
  (_host, _options, callback) =>
    callback(null, addresses);

function lookUp(resolver: Resolver, all: boolean) {
  const lookup = guardedLookup(AddressRules.parse([]), resolver);
  return new Promise<{ error: Error | null; address: unknown; family?: number }>((resolve) =>
    lookup('api.shop.example', { all }, (error, address, family) =>
      resolve({ error, address, family }),
    ),
  );
}

describe('guardedLookup', () => {
  const publicV4 = { address: '93.184.216.34', family: 4 };
  const loopback = { address: '127.0.0.1', family: 4 };

  it('answers the allowed addresses, in either of the shapes net asks for', async () => {
    const resolver = answering(loopback, publicV4);
    expect(await lookUp(resolver, true)).toEqual({
      error: null,
      address: [publicV4],
      family: undefined,
    });
    expect(await lookUp(resolver, false)).toEqual({
      error: null,
      address: '93.184.216.34',
      family: 4,
    });
  });

  it('fails with EgressRefusal when no answer is allowed', async () => {
    const { error } = await lookUp(answering(loopback, { address: '::1', family: 6 }), false);
    expect(error).toBeInstanceOf(EgressRefusal);
    expect(error?.message).toBe(
      'api.shop.example resolves to a loopback address, not in EGRESS_ALLOWED_PRIVATE',
    );
  });

  it("passes the resolver's own error on", async () => {
    const failure = Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    const { error } = await lookUp((_h, _o, callback) => callback(failure, []), true);
    expect(error).toBe(failure);
  });
});
