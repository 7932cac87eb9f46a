import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import { errorMessage } from '../common/errors.ts';
import { type Logger, nullLogger } from '../common/logger.ts';

/**
 * Where the tree-sitter runtime (web-tree-sitter.wasm) and grammars live. In the bundle the build
 * copies them to dist/grammars/ next to the script; from sources they are read in node_modules.
 */
export function defaultGrammarDirectory(): string {
  const here = import.meta.dirname;
  const candidates = [join(here, 'grammars'), join(here, '..', '..', 'node_modules', '@vscode', 'tree-sitter-wasm', 'wasm')];
  return candidates.find((dir) => existsSync(join(dir, 'tree-sitter-typescript.wasm'))) ?? candidates[0];
}

function runtimeWasmPath(grammarDirectory: string): string {
  const candidates = [
    join(grammarDirectory, 'web-tree-sitter.wasm'),
    join(import.meta.dirname, '..', '..', 'node_modules', 'web-tree-sitter', 'web-tree-sitter.wasm'),
  ];
  return candidates.find((path) => existsSync(path)) ?? candidates[0];
}

let runtime: Promise<void> | undefined;

/**
 * Parsers per grammar, loaded on first use and kept. A grammar that fails to load is remembered
 * as missing, so its files fall back to line windows instead of failing every time.
 */
export class TreeSitterParsers {
  readonly grammarDirectory: string;
  private readonly logger: Logger;
  private readonly parsers = new Map<string, Promise<Parser | undefined>>();

  constructor(grammarDirectory = defaultGrammarDirectory(), logger: Logger = nullLogger) {
    this.grammarDirectory = grammarDirectory;
    this.logger = logger;
  }

  parserFor(grammar: string): Promise<Parser | undefined> {
    let parser = this.parsers.get(grammar);
    if (!parser) {
      parser = this.load(grammar);
      this.parsers.set(grammar, parser);
    }
    return parser;
  }

  private async load(grammar: string): Promise<Parser | undefined> {
    try {
      const wasmPath = runtimeWasmPath(this.grammarDirectory);
      runtime ??= Parser.init({ locateFile: () => wasmPath });
      await runtime;
      const language = await Language.load(await readFile(join(this.grammarDirectory, grammar)));
      const parser = new Parser();
      parser.setLanguage(language);
      return parser;
    } catch (error) {
      this.logger.warn(`Cannot load the ${grammar} grammar from ${this.grammarDirectory} (${errorMessage(error)}); its files are cut by lines.`);
      return undefined;
    }
  }
}
