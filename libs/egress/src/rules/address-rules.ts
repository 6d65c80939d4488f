import ipaddr from 'ipaddr.js';
import { IpAddress, parseIp } from './ip';

/**
 * Addresses of cloud instance metadata services: they hand out credentials to whoever asks from
 * inside the instance. An address range in EGRESS_ALLOWED_PRIVATE does not open them; only the
 * exact address listed on its own does.
 */
export const METADATA_ADDRESSES: readonly string[] = [
  '169.254.169.254', // AWS, GCP, Azure, OpenStack
  'fd00:ec2::254', // AWS over IPv6
  '100.100.100.200', // Alibaba Cloud
  '168.63.129.16', // Azure's host agent: a public address, but never a business's backend
];
const METADATA = new Set(METADATA_ADDRESSES.map((a) => ipaddr.parse(a).toNormalizedString()));

type Cidr = [IpAddress, number];

/** Which private or special addresses a deployment lets calls reach, parsed once. */
export class AddressRules {
  private constructor(private readonly allowed: readonly Cidr[]) {}

  /**
   * `entries`: addresses or CIDRs (`127.0.0.1`, `10.0.0.0/8`, `::1`, `fd12::/16`). Throws on
   * an entry that is neither, with the entry in the message (these are settings, not secrets).
   */
  static parse(entries: readonly string[]): AddressRules {
    return new AddressRules(entries.map(parseCidr));
  }

  /**
   * Why a connection to `address` is refused, or null when it may go ahead. Only global unicast
   * addresses are open by default; loopback, private, link-local, CGNAT, unspecified, multicast,
   * reserved and the like need an entry. IPv4-mapped IPv6 (`::ffff:127.0.0.1`) counts as the
   * IPv4 address it carries.
   */
  refusal(address: string): string | null {
    const ip = parseIp(address);
    if (!ip) return 'not an IP address';
    const normal = ip.toNormalizedString();
    if (METADATA.has(normal)) {
      const listed = this.allowed.some(
        ([range, bits]) => bits === fullBits(range) && range.toNormalizedString() === normal,
      );
      return listed ? null : 'a cloud metadata address';
    }
    const range = ip.range();
    if (range === 'unicast') return null;
    const listed = this.allowed.some(
      ([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits),
    );
    return listed ? null : `a ${range} address, not in EGRESS_ALLOWED_PRIVATE`;
  }
}

function parseCidr(entry: string): Cidr {
  try {
    if (entry.includes('/')) {
      // An IPv4 range covers the mapped forms of its addresses too: they are checked as IPv4.
      return ipaddr.parseCIDR(entry);
    }
    const ip = parseIp(entry);
    if (ip) return [ip, fullBits(ip)];
  } catch {
    // falls through to the error below
  }
  throw new Error(`"${entry}" is neither an IP address nor a CIDR`);
}

function fullBits(ip: IpAddress): number {
  return ip.kind() === 'ipv4' ? 32 : 128;
}
