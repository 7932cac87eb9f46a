/** What the chunker knows about a file type: the language id and, when it has one, its grammar. */
export interface LanguageInfo {
  readonly id: string;
  /** File name of the tree-sitter grammar in @vscode/tree-sitter-wasm, when one ships. */
  readonly grammar?: string;
}

const byExtension: Record<string, LanguageInfo> = {
  ts: { id: 'typescript', grammar: 'tree-sitter-typescript.wasm' },
  mts: { id: 'typescript', grammar: 'tree-sitter-typescript.wasm' },
  cts: { id: 'typescript', grammar: 'tree-sitter-typescript.wasm' },
  tsx: { id: 'typescriptreact', grammar: 'tree-sitter-tsx.wasm' },
  js: { id: 'javascript', grammar: 'tree-sitter-javascript.wasm' },
  mjs: { id: 'javascript', grammar: 'tree-sitter-javascript.wasm' },
  cjs: { id: 'javascript', grammar: 'tree-sitter-javascript.wasm' },
  jsx: { id: 'javascriptreact', grammar: 'tree-sitter-javascript.wasm' },
  py: { id: 'python', grammar: 'tree-sitter-python.wasm' },
  pyi: { id: 'python', grammar: 'tree-sitter-python.wasm' },
  go: { id: 'go', grammar: 'tree-sitter-go.wasm' },
  rs: { id: 'rust', grammar: 'tree-sitter-rust.wasm' },
  java: { id: 'java', grammar: 'tree-sitter-java.wasm' },
  cs: { id: 'csharp', grammar: 'tree-sitter-c-sharp.wasm' },
  cpp: { id: 'cpp', grammar: 'tree-sitter-cpp.wasm' },
  cc: { id: 'cpp', grammar: 'tree-sitter-cpp.wasm' },
  cxx: { id: 'cpp', grammar: 'tree-sitter-cpp.wasm' },
  hpp: { id: 'cpp', grammar: 'tree-sitter-cpp.wasm' },
  hh: { id: 'cpp', grammar: 'tree-sitter-cpp.wasm' },
  // C parses well enough with the C++ grammar; no C grammar ships.
  c: { id: 'c', grammar: 'tree-sitter-cpp.wasm' },
  h: { id: 'c', grammar: 'tree-sitter-cpp.wasm' },
  rb: { id: 'ruby', grammar: 'tree-sitter-ruby.wasm' },
  php: { id: 'php', grammar: 'tree-sitter-php.wasm' },
  sh: { id: 'shellscript', grammar: 'tree-sitter-bash.wasm' },
  bash: { id: 'shellscript', grammar: 'tree-sitter-bash.wasm' },
  css: { id: 'css', grammar: 'tree-sitter-css.wasm' },
  md: { id: 'markdown' },
  json: { id: 'json' },
  yaml: { id: 'yaml' },
  yml: { id: 'yaml' },
  toml: { id: 'toml' },
  html: { id: 'html' },
  kt: { id: 'kotlin' },
  swift: { id: 'swift' },
  scala: { id: 'scala' },
  sql: { id: 'sql' },
  vue: { id: 'vue' },
  svelte: { id: 'svelte' },
};

export function languageForPath(path: string): LanguageInfo {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { id: name === 'Dockerfile' ? 'dockerfile' : name === 'Makefile' ? 'makefile' : 'plaintext' };
  return byExtension[name.slice(dot + 1).toLowerCase()] ?? { id: 'plaintext' };
}
