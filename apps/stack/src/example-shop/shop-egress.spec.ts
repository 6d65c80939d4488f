import { egressAllowingShop } from './shop-egress';

describe('egressAllowingShop', () => {
  it("allows only the shop's host, port and address when nothing else is", () => {
    expect(egressAllowingShop({}, 'http://127.0.0.1:3002')).toEqual({
      EGRESS_ALLOWED_HOSTS: '127.0.0.1:3002',
      EGRESS_ALLOWED_PRIVATE: '127.0.0.1',
    });
  });

  it('keeps what the deployment already allows', () => {
    expect(
      egressAllowingShop(
        {
          EGRESS_ALLOWED_HOSTS: 'api.shop.example, *.crm.example ',
          EGRESS_ALLOWED_PRIVATE: '10.0.0.0/8',
        },
        'http://127.0.0.1:41234',
      ),
    ).toEqual({
      EGRESS_ALLOWED_HOSTS: 'api.shop.example, *.crm.example,127.0.0.1:41234',
      EGRESS_ALLOWED_PRIVATE: '10.0.0.0/8,127.0.0.1',
    });
  });

  it('treats blank settings as unset', () => {
    expect(
      egressAllowingShop(
        { EGRESS_ALLOWED_HOSTS: ' ', EGRESS_ALLOWED_PRIVATE: '' },
        'http://127.0.0.1:3002',
      ),
    ).toEqual({ EGRESS_ALLOWED_HOSTS: '127.0.0.1:3002', EGRESS_ALLOWED_PRIVATE: '127.0.0.1' });
  });
});
