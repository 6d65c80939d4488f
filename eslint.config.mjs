import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// Boundaries between the apps and the libraries (docs/architecture.md). no-restricted-imports
// sees an import as it is written, not where it resolves, so each boundary is a pattern over
// that text; one block per folder, since a later block's options replace an earlier one's.

const folders = (parent) =>
  readdirSync(new URL(parent, import.meta.url), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
const APPS = folders('./apps/');
const LIBS = folders('./libs/');

const forbid = (regex, message) => ({ regex, message });

const LIBRARY_ENTRIES = [
  forbid(
    '^@app/[^/]+/',
    'Import a library through its public entry, @app/<name>: export what is needed from its src/index.ts.',
  ),
  forbid(
    '^\\.{1,2}/(.*/)?libs(/|$)',
    'Import a library through its public entry, @app/<name>, not by a relative path.',
  ),
];

/** Other apps' sources, as seen from anywhere but `self`; the gateway has an entry for embedders. */
const otherApps = (self) =>
  APPS.filter((app) => app !== self).map((app) =>
    app === 'gateway'
      ? forbid(
          '(^|/)gateway/src/(?!index$)',
          'Outside apps/gateway, import only its entry for embedders, apps/gateway/src (index.ts).',
        )
      : forbid(`(^|/)${app}/src(/|$)`, `apps/${app} is internal: nothing outside it imports it.`),
  );

/** A library's own files by relative path, other libraries through @app/<name>, never an app. */
const libraryBounds = (lib) => [
  ...LIBRARY_ENTRIES,
  forbid(`^@app/${lib}$`, `Within libs/${lib}, import its own files by relative path.`),
  forbid('^(\\.\\./)+[^./][^/]*/src(/|$)', 'Import another library through @app/<name>.'),
  forbid('^\\.{1,2}/(.*/)?apps(/|$)', 'A library never imports an app.'),
];

const restrictImports = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

const boundaries = [
  { files: ['**/*.ts'], rules: restrictImports([...LIBRARY_ENTRIES, ...otherApps(null)]) },
  ...APPS.map((app) => ({
    files: [`apps/${app}/**/*.ts`],
    rules: restrictImports([...LIBRARY_ENTRIES, ...otherApps(app)]),
  })),
  ...LIBS.map((lib) => ({
    files: [`libs/${lib}/**/*.ts`],
    rules: restrictImports(libraryBounds(lib)),
  })),
  {
    // The interpreter stays pure and channel-neutral. Its specs may read fixtures and use
    // Webim's channel variables, as the apps give them to it.
    files: ['libs/scenario/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/scenario/src/spec-helpers.ts'],
    rules: restrictImports([
      ...libraryBounds('scenario'),
      forbid(
        '^(?!\\.{1,2}/|yaml$|re2js$)',
        'libs/scenario is the pure, channel-neutral interpreter: it imports its own files, yaml and re2js (its linear-time pattern matcher) only. No I/O (ioredis, bullmq, @nestjs/*, node:fs, node:net, node:http, fastify...), no other library, no channel specifics such as @app/webim-protocol: the apps pass in what it needs.',
      ),
    ]),
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        fetch: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...boundaries,
);
