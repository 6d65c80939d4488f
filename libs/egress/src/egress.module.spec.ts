import { Test } from '@nestjs/testing';
import { Registry } from 'prom-client';
import { validateEnv } from '@app/config';
import { MetricsModule } from '@app/metrics';
import { Egress } from './egress';
import { EgressEnv } from './egress.env';
import { EgressModule } from './egress.module';

describe('EgressModule', () => {
  it('provides one Egress from the settings, recording into the registry, closed at shutdown', async () => {
    const env = validateEnv(EgressEnv, { EGRESS_ALLOWED_HOSTS: 'api.shop.example' });
    const moduleRef = await Test.createTestingModule({
      imports: [MetricsModule.forApp(), EgressModule.forRoot(env)],
    }).compile();
    const app = await moduleRef.init();
    const egress = app.get(Egress);

    const outcome = await egress.send({
      method: 'GET',
      url: 'http://elsewhere.example/',
      timeoutMs: 1000,
      deadline: Date.now() + 2000,
    });
    expect(outcome).toMatchObject({ kind: 'refused' });
    expect(await app.get(Registry).metrics()).toContain(
      'webim_egress_requests_total{host="refused",outcome="refused"} 1',
    );

    const close = jest.spyOn(egress, 'close');
    await app.close();
    expect(close).toHaveBeenCalledTimes(1);
  });
});
