// Nest's webpack build, plus two rules: the turn protocol's Lua scripts are bundled as text
// (libs/conversation/src/turn-protocol/lua), so that every app carries the scripts it runs;
// and an app that serves the gateway also emits the gateway's worker thread beside its main.js
// (the thread that trains agents: it loads that file by name at run time).
const { dirname, join, relative } = require('node:path');

const GATEWAY_THREADS = {
  'agent-training-thread': './apps/gateway/src/agents/training/agent-training-thread.ts',
};
/** Entries (relative to the repository) whose bundle contains the gateway. */
const SERVE_GATEWAY = ['apps/gateway/src/main.ts', 'apps/bench-inprocess/src/main.ts'];

module.exports = (options) => {
  const servesGateway = SERVE_GATEWAY.includes(
    relative(__dirname, String(options.entry)).split('\\').join('/'),
  );
  const threads = Object.fromEntries(
    Object.entries(GATEWAY_THREADS).map(([name, file]) => [
      name,
      // A thread's file exports its function, which the thread pool calls.
      { import: join(__dirname, file), library: { type: 'commonjs2' } },
    ]),
  );
  return {
    ...options,
    ...(servesGateway && {
      entry: { main: options.entry, ...threads },
      output: { ...options.output, filename: join(dirname(options.output.filename), '[name].js') },
    }),
    module: {
      ...options.module,
      rules: [...options.module.rules, { test: /\.lua$/, type: 'asset/source' }],
    },
  };
};
