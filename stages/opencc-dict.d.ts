// opencc-js ships its dictionaries as modules exporting one string
// ("from to|from to|..."), without type declarations.
declare module 'opencc-js/dict/*' {
  const entries: string;
  export default entries;
}
