import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// .github/dependabot.yml: minor and patch updates grouped for every ecosystem, and the versions
// package.json pins on purpose (its overrides) left alone.

interface Update {
  'package-ecosystem': string;
  directory: string;
  schedule: { interval: string };
  groups?: Record<string, { 'update-types'?: string[] }>;
  ignore?: { 'dependency-name': string; 'update-types'?: string[] }[];
}

const root = join(__dirname, '../..');
const config = parse(readFileSync(join(root, '.github/dependabot.yml'), 'utf8')) as {
  version: number;
  updates: Update[];
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  overrides: Record<string, string>;
};

describe('.github/dependabot.yml', () => {
  it('updates npm, the Dockerfile and docker-compose.yml at the repository root', () => {
    expect(config.version).toBe(2);
    expect(config.updates.map((u) => [u['package-ecosystem'], u.directory])).toEqual([
      ['npm', '/'],
      ['docker', '/'],
      ['docker-compose', '/'],
    ]);
  });

  it.each(config.updates.map((u) => [u['package-ecosystem'], u] as const))(
    '%s: groups minor and patch updates into one pull request',
    (_ecosystem, update) => {
      const groups = Object.values(update.groups ?? {});
      expect(groups.map((g) => [...(g['update-types'] ?? [])].sort())).toEqual([
        ['minor', 'patch'],
      ]);
    },
  );

  it("leaves package.json's overrides alone", () => {
    const npm = config.updates.find((u) => u['package-ecosystem'] === 'npm')!;
    const ignoredWhole = (npm.ignore ?? [])
      .filter((i) => i['update-types'] === undefined)
      .map((i) => i['dependency-name']);
    expect(ignoredWhole.sort()).toEqual(Object.keys(pkg.overrides).sort());
  });

  it('finds the images it is to update pinned to an exact release, Redis by digest too', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
    const exact = /^FROM [a-z0-9.-]+:\d+\.\d+\.\d+[\w.-]*(@sha256:[0-9a-f]{64})?\b/gm;
    const pinned = /\b[a-z0-9.-]+:\d+\.\d+\.\d+[\w.-]*@sha256:[0-9a-f]{64}\b/g;
    expect(dockerfile.match(exact)).toHaveLength(1);
    expect(compose.match(pinned)).toHaveLength(1);
  });
});
