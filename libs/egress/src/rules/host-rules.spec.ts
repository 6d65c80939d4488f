import { HostRules, normaliseHost } from './host-rules';

describe('HostRules', () => {
  const rules = HostRules.parse([
    'api.shop.example',
    '*.cdn.example',
    'pay.example:8443',
    '127.0.0.1',
    '[::1]:8080',
  ]);

  it('allows a listed name on any port, and no other name', () => {
    expect(rules.allows('api.shop.example', 443)).toBe(true);
    expect(rules.allows('API.Shop.Example.', 80)).toBe(true);
    expect(rules.allows('shop.example', 443)).toBe(false);
    expect(rules.allows('api.shop.example.evil.example', 443)).toBe(false);
  });

  it('allows names under a wildcard but not the wildcard domain itself', () => {
    expect(rules.allows('a.cdn.example', 443)).toBe(true);
    expect(rules.allows('a.b.cdn.example', 443)).toBe(true);
    expect(rules.allows('cdn.example', 443)).toBe(false);
    expect(rules.allows('evilcdn.example', 443)).toBe(false);
  });

  it('holds an entry with a port to that port', () => {
    expect(rules.allows('pay.example', 8443)).toBe(true);
    expect(rules.allows('pay.example', 443)).toBe(false);
    expect(rules.allows('[::1]', 8080)).toBe(true);
    expect(rules.allows('[::1]', 80)).toBe(false);
  });

  it('matches IP literals in their normal form, IPv4-mapped IPv6 as IPv4', () => {
    expect(rules.allows('127.0.0.1', 80)).toBe(true);
    expect(rules.allows('[::ffff:7f00:1]', 80)).toBe(true);
    expect(normaliseHost('[::FFFF:127.0.0.1]')).toBe('127.0.0.1');
    expect(normaliseHost('[0:0::1]')).toBe('::1');
  });

  it('rejects entries that are not host patterns', () => {
    for (const bad of [
      'http://x.example',
      '*',
      'a.*.example',
      'x.example:0',
      'x.example:99999',
      'a b',
    ]) {
      expect(() => HostRules.parse([bad])).toThrow(`"${bad}"`);
    }
  });
});
