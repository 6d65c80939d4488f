import { Registry } from 'prom-client';
import packageJson from '../../../package.json';
import { buildInfoGauge, currentBuild } from './build-info';
import { createMetricsRegistry } from './metrics-registry';

describe('webim_build_info', () => {
  it("is 1, labelled with package.json's version, the revision and Node's version", async () => {
    const registry = new Registry();
    buildInfoGauge(registry, currentBuild('3c65fdd'));
    expect(await registry.metrics()).toContain(
      `webim_build_info{version="${packageJson.version}",node="${process.version}",revision="3c65fdd"} 1`,
    );
  });

  it('has no revision label when the revision is unknown', async () => {
    const registry = createMetricsRegistry(currentBuild(undefined));
    expect(await registry.metrics()).toContain(
      `webim_build_info{version="${packageJson.version}",node="${process.version}"} 1`,
    );
  });
});
