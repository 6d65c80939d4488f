/** An order as the example shop answers it. */
export interface ShopOrder {
  id: string;
  status: 'shipped' | 'processing' | 'delivered';
  items: Array<{ name: string; quantity: number }>;
}

/** The example shop's orders: what the README's walkthrough and agents/examples look up. */
export const SHOP_ORDERS: readonly ShopOrder[] = [
  {
    id: '123456',
    status: 'shipped',
    items: [
      { name: 'Green tea', quantity: 2 },
      { name: 'Teapot', quantity: 1 },
    ],
  },
  { id: '200777', status: 'processing', items: [{ name: 'Oolong tea', quantity: 1 }] },
  { id: '310001', status: 'delivered', items: [{ name: 'Tea cups', quantity: 4 }] },
];

export type ShopAnswer = { status: 200; body: ShopOrder } | { status: 401 | 404; body: object };

/** The answer to `GET /orders/{id}` with this Authorization header, without any I/O. */
export function answerOrderRequest(
  path: string,
  authorization: string | undefined,
  token: string,
  orders: readonly ShopOrder[] = SHOP_ORDERS,
): ShopAnswer {
  if (authorization !== `Bearer ${token}`)
    return {
      status: 401,
      body: { error: 'unauthorized', message: 'a valid bearer token is required' },
    };
  const id = /^\/orders\/([^/?#]+)$/.exec(path)?.[1];
  const order = id === undefined ? undefined : orders.find((o) => o.id === decodeURIComponent(id));
  if (!order) return { status: 404, body: { error: 'not_found', message: 'no such order' } };
  return { status: 200, body: order };
}
