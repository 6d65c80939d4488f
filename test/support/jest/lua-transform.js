// Jest's counterpart of the webpack rule for Lua scripts: a `.lua` import is its text.
module.exports = {
  process(source) {
    return { code: `module.exports = { __esModule: true, default: ${JSON.stringify(source)} };` };
  },
};
