/**
 * The egress settings that let call steps reach the example shop: its host and port added to
 * the hosts the deployment already allows, and its loopback address to the private ones, so
 * nothing else on the machine becomes reachable.
 */
export function egressAllowingShop(
  allowed: { EGRESS_ALLOWED_HOSTS?: string; EGRESS_ALLOWED_PRIVATE?: string },
  shopUrl: string,
): { EGRESS_ALLOWED_HOSTS: string; EGRESS_ALLOWED_PRIVATE: string } {
  const url = new URL(shopUrl);
  const withItem = (list: string | undefined, item: string) =>
    [list?.trim(), item].filter((part) => part).join(',');
  return {
    EGRESS_ALLOWED_HOSTS: withItem(allowed.EGRESS_ALLOWED_HOSTS, url.host),
    EGRESS_ALLOWED_PRIVATE: withItem(allowed.EGRESS_ALLOWED_PRIVATE, url.hostname),
  };
}
