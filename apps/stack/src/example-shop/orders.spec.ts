import { answerOrderRequest, SHOP_ORDERS } from './orders';

describe('the example shop', () => {
  const token = 'example-shop-token-0123';
  const bearer = `Bearer ${token}`;

  it('answers a known order with its status and items', () => {
    expect(answerOrderRequest('/orders/123456', bearer, token)).toEqual({
      status: 200,
      body: {
        id: '123456',
        status: 'shipped',
        items: [
          { name: 'Green tea', quantity: 2 },
          { name: 'Teapot', quantity: 1 },
        ],
      },
    });
    expect(SHOP_ORDERS.map((order) => [order.id, order.status])).toEqual([
      ['123456', 'shipped'],
      ['200777', 'processing'],
      ['310001', 'delivered'],
    ]);
  });

  it.each([['/orders/999999'], ['/orders/'], ['/orders/123456/items'], ['/'], ['/orders/12%3456']])(
    'answers 404 for %s',
    (path) => {
      expect(answerOrderRequest(path, bearer, token)).toMatchObject({
        status: 404,
        body: { error: 'not_found' },
      });
    },
  );

  it.each([
    ['no Authorization', undefined],
    ['another token', 'Bearer another-token-of-length'],
    ['the token without Bearer', token],
    ['another scheme', `Basic ${token}`],
  ])('answers 401 with %s, whatever the order', (_what, authorization) => {
    expect(answerOrderRequest('/orders/123456', authorization, token)).toMatchObject({
      status: 401,
      body: { error: 'unauthorized' },
    });
  });
});
