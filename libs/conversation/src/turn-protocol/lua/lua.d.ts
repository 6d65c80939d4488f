// A Lua script imports as its source text (webpack's asset/source rule; a transform in jest).
declare module '*.lua' {
  const source: string;
  export default source;
}
