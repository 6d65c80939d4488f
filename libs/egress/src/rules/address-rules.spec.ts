import { AddressRules } from './address-rules';

describe('AddressRules', () => {
  const none = AddressRules.parse([]);

  it('lets public unicast addresses through', () => {
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) {
      expect(none.refusal(a)).toBeNull();
    }
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['169.254.10.10', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
  ])('refuses %s (%s) unless allowed', (address, range) => {
    expect(none.refusal(address)).toBe(`a ${range} address, not in EGRESS_ALLOWED_PRIVATE`);
  });

  it('reads IPv4-mapped IPv6 as the IPv4 address it carries', () => {
    expect(none.refusal('::ffff:127.0.0.1')).toMatch(/loopback/);
    expect(none.refusal('::ffff:7f00:1')).toMatch(/loopback/);
    expect(none.refusal('::ffff:10.0.0.1')).toMatch(/private/);
    expect(AddressRules.parse(['127.0.0.1']).refusal('::ffff:127.0.0.1')).toBeNull();
  });

  it('lets through exactly what EGRESS_ALLOWED_PRIVATE lists', () => {
    const rules = AddressRules.parse(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);
    expect(rules.refusal('127.0.0.1')).toBeNull();
    expect(rules.refusal('127.0.0.2')).toMatch(/loopback/);
    expect(rules.refusal('10.200.0.1')).toBeNull();
    expect(rules.refusal('192.168.0.1')).toMatch(/private/);
    expect(rules.refusal('fd12::1')).toBeNull();
    expect(rules.refusal('::1')).toMatch(/loopback/);
  });

  it('refuses metadata addresses even inside an allowed range, unless listed one by one', () => {
    expect(none.refusal('169.254.169.254')).toBe('a cloud metadata address');
    expect(none.refusal('fd00:ec2::254')).toBe('a cloud metadata address');
    expect(none.refusal('::ffff:169.254.169.254')).toBe('a cloud metadata address');
    const range = AddressRules.parse(['169.254.0.0/16', 'fd00::/8']);
    expect(range.refusal('169.254.169.254')).toBe('a cloud metadata address');
    expect(range.refusal('fd00:ec2::254')).toBe('a cloud metadata address');
    expect(range.refusal('169.254.1.1')).toBeNull();
    expect(AddressRules.parse(['169.254.169.254']).refusal('169.254.169.254')).toBeNull();
  });

  it('rejects entries that are neither addresses nor CIDRs', () => {
    expect(() => AddressRules.parse(['localhost'])).toThrow('"localhost" is neither');
    expect(() => AddressRules.parse(['10.0.0.0/33'])).toThrow('"10.0.0.0/33" is neither');
    expect(() => AddressRules.parse(['127.1'])).toThrow('"127.1" is neither');
  });
});
