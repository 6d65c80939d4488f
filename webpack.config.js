// Nest's webpack build, plus one rule: the turn protocol's Lua scripts are bundled as text
// (libs/conversation/src/turn-protocol/lua), so that every app carries the scripts it runs.
module.exports = (options) => ({
  ...options,
  module: {
    ...options.module,
    rules: [...options.module.rules, { test: /\.lua$/, type: 'asset/source' }],
  },
});
