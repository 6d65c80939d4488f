import { ConfigValidationError, validateEnv } from '@app/config';
import { EgressEnv, egressSettings } from './egress.env';

describe('EgressEnv', () => {
  it('defaults to no host allowed and only public addresses', () => {
    const settings = egressSettings(validateEnv(EgressEnv, {}));
    expect(settings.allowedHosts).toEqual([]);
    expect(settings.allowedPrivate).toEqual([]);
    expect(settings.maxResponseBytes).toBe(1024 * 1024);
  });

  it('reads comma- or space-separated lists', () => {
    const env = validateEnv(EgressEnv, {
      EGRESS_ALLOWED_HOSTS: 'api.shop.example, *.cdn.example  127.0.0.1:4000',
      EGRESS_ALLOWED_PRIVATE: '127.0.0.1,10.0.0.0/8',
    });
    expect(egressSettings(env)).toMatchObject({
      allowedHosts: ['api.shop.example', '*.cdn.example', '127.0.0.1:4000'],
      allowedPrivate: ['127.0.0.1', '10.0.0.0/8'],
    });
  });

  it('names the bad entry of a list', () => {
    const problems = (raw: Record<string, string>): string[] => {
      try {
        validateEnv(EgressEnv, raw);
        return [];
      } catch (error) {
        return (error as ConfigValidationError).problems;
      }
    };
    expect(problems({ EGRESS_ALLOWED_HOSTS: 'ok.example,shop.example/api' })).toEqual([
      expect.stringContaining('"shop.example/api" is not a host name'),
    ]);
    expect(problems({ EGRESS_ALLOWED_PRIVATE: '10.0.0.0/8 intranet' })).toEqual([
      expect.stringContaining('"intranet" is neither an IP address nor a CIDR'),
    ]);
  });
});
