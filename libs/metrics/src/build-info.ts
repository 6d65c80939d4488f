import { Gauge, Registry } from 'prom-client';
import packageJson from '../../../package.json';

/** What runs: the product's version, the source revision when known, and Node's version. */
export interface BuildInfo {
  version: string;
  revision?: string;
  node: string;
}

/** This process's build: the version of package.json (bundled in), BUILD_REVISION if set. */
export function currentBuild(revision?: string): BuildInfo {
  return { version: packageJson.version, node: process.version, ...(revision && { revision }) };
}

/**
 * `webim_build_info{version,revision,node} 1`: joined onto other series (`* on(instance)
 * group_left(version) webim_build_info`) it tells which release a number came from, and a
 * dashboard shows a rollout as versions coming and going. `revision` only when it is known.
 */
export function buildInfoGauge(registry: Registry, build: BuildInfo): Gauge<string> {
  const labels: Record<string, string> = { version: build.version, node: build.node };
  if (build.revision) labels.revision = build.revision;
  const gauge = new Gauge<string>({
    name: 'webim_build_info',
    help: 'Always 1; its labels say which build of the product runs: version, revision (when set by BUILD_REVISION) and the Node.js version.',
    labelNames: Object.keys(labels),
    registers: [registry],
  });
  gauge.set(labels, 1);
  return gauge;
}
