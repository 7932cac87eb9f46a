/** A relative import of the current file: where from, and which names (empty when the whole module). */
export interface ImportReference {
  readonly specifier: string;
  readonly names: readonly string[];
}

const jsImport = /^[ \t]*(?:import|export)\s+(?:type\s+)?([\w$*{}\s,]+?)\s+from\s+['"](\.{1,2}\/[^'"]+)['"]/gm;
const jsRequire = /(?:const|let|var)\s+([\w${}\s,:]+?)\s*=\s*require\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;
const pyFrom = /^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(?:\(([^)]*)\)|([\w \t,*]+))/gm;
const pyImport = /^[ \t]*import\s+([\w.]+)(?:\s+as\s+\w+)?\s*$/gm;

/** Only the head of a file is scanned for imports: they live there, and the scan runs per keystroke. */
const headChars = 20_000;

export function parseImports(text: string, languageId: string): ImportReference[] {
  const head = text.slice(0, headChars);
  const found: ImportReference[] = [];
  if (languageId === 'python') {
    for (const match of head.matchAll(pyFrom)) {
      const names = (match[2] ?? match[3]!)
        .split(',').map((name) => name.trim().split(/\s+/)[0]!).filter((name) => name && name !== '*');
      found.push({ specifier: match[1]!, names });
    }
    for (const match of head.matchAll(pyImport)) found.push({ specifier: match[1]!, names: [] });
    return found;
  }
  for (const pattern of [jsImport, jsRequire]) {
    for (const match of head.matchAll(pattern)) found.push({ specifier: match[2]!, names: jsImportedNames(match[1]!) });
  }
  return found;
}

function jsImportedNames(clause: string): string[] {
  const names: string[] = [];
  const braces = /\{([^}]*)\}/.exec(clause);
  if (braces) {
    for (const part of braces[1]!.split(',')) {
      const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+|\s*:\s*/)[0]!.trim();
      if (name) names.push(name);
    }
  }
  const outside = clause.replace(/\{[^}]*\}/, '').replace(/\*\s*as\s+[\w$]+/, '').replace(/,/g, ' ').trim();
  if (outside) names.push('default');
  // `* as ns` imports everything; an empty list means "all exports".
  return /\*\s*as/.test(clause) ? [] : names;
}

function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

function join(dir: string, relative: string): string {
  const parts = dir ? dir.split('/') : [];
  for (const part of relative.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return (dir.startsWith('/') ? '/' : '') + parts.join('/');
}

/** The paths an import may refer to, most likely first. */
export function importCandidates(fromPath: string, specifier: string, languageId: string): string[] {
  const dir = dirname(fromPath);
  if (languageId === 'python') {
    const dots = /^\.*/.exec(specifier)![0].length;
    let base = dir;
    for (let i = 1; i < dots; i++) base = dirname(base);
    const module = specifier.slice(dots).replace(/\./g, '/');
    if (!module) return [];
    const target = join(base, module);
    return [`${target}.py`, `${target}/__init__.py`];
  }
  const target = join(dir, specifier);
  // NodeNext sources import `./x.js` that is really `./x.ts` on disk.
  const stem = target.replace(/\.(m|c)?js$/, '');
  const withExtension = /\.(m|c)?[jt]sx?$/.test(target) ? [target] : [];
  const exts = ['.ts', '.tsx', '.d.ts', '.js', '.jsx', '.mjs'];
  return [...new Set([...withExtension, ...exts.map((ext) => stem + ext), ...['/index.ts', '/index.js'].map((ext) => target + ext)])];
}

const maxBodyLines = 12;
const maxMembers = 15;

/**
 * The exported definitions of a module, briefly: signatures without bodies, type and interface
 * bodies up to a few lines, class members as signatures. With `names`, only those definitions.
 */
export function extractDefinitions(text: string, languageId: string, names: readonly string[] = []): string {
  return definitionsOf(text, languageId, names).text;
}

/** The definitions and the 1-based lines of the source they were taken from, for the audit log. */
export function definitionsOf(
  text: string,
  languageId: string,
  names: readonly string[] = [],
): { readonly text: string; readonly startLine: number; readonly endLine: number } {
  const lines = text.split('\n');
  const wanted = names.length > 0 ? new Set(names) : undefined;
  const out: string[] = [];
  let first = -1;
  let last = -1;
  const python = languageId === 'python';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const match = python
      ? /^(?:async\s+)?(def|class)\s+([A-Za-z]\w*)/.exec(line)
      : /^export\s+(?:declare\s+)?(default\s+)?(?:abstract\s+)?(?:async\s+)?(function\*?|class|interface|type|enum|const|let|var)\s*([\w$]*)/.exec(
          line,
        );
    if (!match) continue;
    const kind = python ? match[1]! : match[2]!;
    const name = python ? match[2]! : match[1] ? 'default' : match[3]!;
    if (wanted && !wanted.has(name) && !(match[1] && !python && wanted.has('default'))) continue;
    const definition = python ? pythonDefinition(lines, i, kind) : jsDefinition(lines, i, kind);
    out.push(...definition.lines);
    if (first < 0) first = i;
    last = Math.max(last, definition.end);
  }
  return { text: out.join('\n'), startLine: first + 1, endLine: last + 1 };
}

/** A definition's lines as shown, and the 0-based index of the last source line they draw on. */
interface Definition {
  readonly lines: string[];
  readonly end: number;
}

function signatureUntil(lines: readonly string[], start: number, end: RegExp): Definition {
  const parts: string[] = [];
  for (let i = start; i < Math.min(lines.length, start + 6); i++) {
    const line = lines[i]!;
    parts.push(line);
    if (end.test(line)) break;
  }
  return { lines: [parts.join('\n')], end: start + parts.length - 1 };
}

function jsDefinition(lines: readonly string[], start: number, kind: string): Definition {
  const first = lines[start]!;
  if (kind === 'interface' || kind === 'type' || kind === 'enum') {
    const body: string[] = [first];
    let end = start;
    if (/[{(]\s*$/.test(first) || /=\s*$/.test(first)) {
      for (let i = start + 1; i < lines.length && body.length <= maxBodyLines; i++) {
        body.push(lines[i]!);
        end = i;
        if (/^[}\])]/.test(lines[i]!)) break;
      }
      if (!/^[}\])]/.test(body.at(-1)!)) body.push('  // …', '}');
    }
    return { lines: body, end };
  }
  if (kind === 'class') {
    const out = [first.replace(/\{\s*$/, '{')];
    let members = 0;
    let end = start;
    // Members sit exactly one level in (the first member's indentation); their bodies are deeper.
    const level = /^[ \t]+/.exec(lines.slice(start + 1).find((line) => line.trim()) ?? '')?.[0];
    for (let i = start + 1; level && i < lines.length && !/^}/.test(lines[i]!); i++) {
      end = i;
      const line = lines[i]!;
      if (!line.startsWith(level) || /^\s/.test(line.slice(level.length)) || members >= maxMembers) continue;
      const member = line.slice(level.length);
      if (/^(private\b|#|\/\/|\*|\/\*|})/.test(member)) continue;
      // A signature broken over lines keeps its first line, marked as cut.
      out.push(`${level}${member.replace(/\s*=>\s*\{\s*$/, ';').replace(/\s*\{\s*$/, ';').replace(/\($/, '(…);')}`);
      members++;
    }
    out.push('}');
    return { lines: out, end };
  }
  if (kind.startsWith('function')) {
    const signature = signatureUntil(lines, start, /\{\s*$|;\s*$/);
    return { lines: [signature.lines[0]!.replace(/\s*\{\s*$/, ';')], end: signature.end };
  }
  // const/let/var: the declaration line, without an arrow function's body.
  return { lines: [first.replace(/=>\s*\{\s*$/, '=> …').replace(/\{\s*$/, '{ … }')], end: start };
}

function pythonDefinition(lines: readonly string[], start: number, kind: string): Definition {
  const signature = signatureUntil(lines, start, /:\s*(#.*)?$/);
  const out = [...signature.lines];
  let end = signature.end;
  if (kind !== 'class') return { lines: out, end };
  let members = 0;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() && !/^\s/.test(line)) break;
    const method = /^(\s+)(?:async\s+)?def\s+(\w+)/.exec(line);
    if (!method || members >= maxMembers) continue;
    if (method[2]!.startsWith('_') && method[2] !== '__init__') continue;
    const member = signatureUntil(lines, i, /:\s*(#.*)?$/);
    out.push(...member.lines);
    end = member.end;
    members++;
  }
  return { lines: out, end };
}
