import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// One Node.js for the developers (.nvmrc), the image (Dockerfile), the manifest (engines and
// @types/node) and the tests: this suite runs on it, so CI fails when it runs on another major
// or when one of the files moves without the others.

const root = join(__dirname, '../..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const nvmrc = read('.nvmrc').trim();
const major = (version: string) => Number(version.replace(/^[^\d]*/, '').split('.')[0]);
const manifest = JSON.parse(read('package.json')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};

describe('the Node.js runtime', () => {
  it('.nvmrc names a major and minor, as the image tag pins them', () => {
    expect(nvmrc).toMatch(/^\d+\.\d+$/);
  });

  it('runs these tests on .nvmrc’s major (scripts/node-runtime.js prefix installs it)', () => {
    expect(`Node.js ${major(process.versions.node)}`).toBe(`Node.js ${major(nvmrc)}`);
  });

  it('is the one the image ships', () => {
    const image =
      /^FROM node:(\d+\.\d+)\.\d+-bookworm-slim(?:@sha256:[0-9a-f]{64})? AS node$/m.exec(
        read('Dockerfile'),
      );
    expect(image?.[1]).toBe(nvmrc);
  });

  it("is the oldest the manifest's engines admit, with that major's type definitions", () => {
    expect(manifest.engines.node).toBe(`>=${major(nvmrc)}`);
    expect(major(manifest.devDependencies['@types/node'])).toBe(major(nvmrc));
  });
});
