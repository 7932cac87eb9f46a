import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { join } from 'node:path';
import { secretFileReason } from '../safety/secretFiles.ts';
import type { IndexFileSystem } from './indexFileSystem.ts';

/** Why a file is not in the index; the "Show Index Status" view lists these. */
export type SkipReason = 'ignored' | 'secret' | 'binary' | 'generated' | 'tooLarge' | 'overCap';

export interface SkipVerdict {
  readonly reason: SkipReason;
  /** For people: "nested .gitignore", "lockfile", ".env file", "1.4 MB > 1 MB". */
  readonly detail: string;
}

export interface FilterOptions {
  /** Globs over root-relative paths (setting `index.exclude`). */
  readonly exclude: readonly string[];
  readonly maxFileSizeBytes: number;
}

/** Version-control and our own folders: never user content, never listed. */
export const silentDirectories: ReadonlySet<string> = new Set(['.git', '.hg', '.svn', '.groundwork']);

const generatedDirectories = new Set([
  'node_modules', 'dist', 'out', 'build', '.next', '.nuxt', '.svelte-kit', 'coverage', '__pycache__', '.venv', 'venv',
  '.tox', '.mypy_cache', '.pytest_cache', 'target', 'bower_components', '.gradle', '.idea', '.vscode-test', 'vendor',
]);

const lockfiles = new Set([
  'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'cargo.lock', 'poetry.lock',
  'pipfile.lock', 'composer.lock', 'gemfile.lock', 'go.sum', 'packages.lock.json', 'uv.lock', 'flake.lock',
]);

const generatedName = /(\.min\.(js|css|mjs)|\.bundle\.js|\.map|\.pb\.go|_pb2(_grpc)?\.pyi?|\.generated\.\w+|\.g\.dart|\.designer\.cs)$/i;

const binaryExtensions = new Set(
  ('png jpg jpeg gif bmp ico webp tif tiff psd svgz avif heic mp3 mp4 m4a wav ogg flac webm mov avi mkv ' +
    'zip gz tgz bz2 xz 7z rar tar jar war ear whl egg exe dll so dylib a lib o obj bin dat class pyc pyo ' +
    'wasm node woff woff2 ttf otf eot pdf doc docx xls xlsx ppt pptx sqlite db mdb pkl npy npz onnx pt ' +
    'safetensors ckpt h5 parquet avro orc iso dmg img lockb')
    .split(' '),
);

/** Verdict for a directory name, or undefined to descend into it. */
export function directoryVerdict(name: string): SkipVerdict | undefined {
  if (generatedDirectories.has(name)) return { reason: 'generated', detail: `${name}/ folder` };
  return undefined;
}

/** Verdict for a file from its path alone (size and content are checked elsewhere). */
export function fileNameVerdict(relPath: string): SkipVerdict | undefined {
  const secret = secretFileReason(relPath);
  if (secret !== undefined) return { reason: 'secret', detail: secret };
  const name = relPath.slice(relPath.lastIndexOf('/') + 1);
  const lower = name.toLowerCase();
  if (lockfiles.has(lower)) return { reason: 'generated', detail: 'lockfile' };
  if (generatedName.test(lower)) return { reason: 'generated', detail: 'generated or minified file' };
  const dot = lower.lastIndexOf('.');
  if (dot > 0 && binaryExtensions.has(lower.slice(dot + 1))) return { reason: 'binary', detail: `.${lower.slice(dot + 1)} file` };
  return undefined;
}

/** Verdict from the first bytes and the size of a file's content. */
export function contentVerdict(bytes: Uint8Array): SkipVerdict | undefined {
  const sniff = Math.min(bytes.length, 8000);
  for (let i = 0; i < sniff; i++) {
    if (bytes[i] === 0) return { reason: 'binary', detail: 'contains NUL bytes' };
  }
  if (bytes.length > 20_000) {
    let lines = 1;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) lines++;
    // Minified bundles are a few very long lines; real code averages well under 100 characters.
    if (bytes.length / lines > 500) return { reason: 'generated', detail: 'minified (very long lines)' };
  }
  return undefined;
}

interface IgnoreLayer {
  /** Root-relative directory the rules belong to ('' for the root). */
  readonly base: string;
  readonly rules: Ignore;
  readonly source: string;
}

/**
 * The ignore rules of one root: nested .gitignore and .groundworkignore files (each applying
 * below its own folder, deeper files overriding), `index.exclude` globs, and the built-in lists.
 * Ignore files are read once per folder and cached until `invalidate()`.
 */
export class FileFilter {
  readonly rootPath: string;
  private readonly fs: IndexFileSystem;
  private readonly options: FilterOptions;
  private readonly excludeMatchers: readonly ((path: string) => boolean)[];
  private readonly layers = new Map<string, Promise<IgnoreLayer[]>>();

  constructor(rootPath: string, fs: IndexFileSystem, options: FilterOptions) {
    this.rootPath = rootPath;
    this.fs = fs;
    this.options = options;
    this.excludeMatchers = options.exclude.map((glob) => picomatch(glob, { dot: true }));
  }

  get maxFileSizeBytes(): number {
    return this.options.maxFileSizeBytes;
  }

  /** Forgets cached ignore files, after one of them changed. */
  invalidate(): void {
    this.layers.clear();
  }

  /** The ignore layers that apply inside directory `relDir` (its own file included). */
  layersFor(relDir: string): Promise<IgnoreLayer[]> {
    let layers = this.layers.get(relDir);
    if (!layers) {
      layers = this.loadLayers(relDir);
      this.layers.set(relDir, layers);
    }
    return layers;
  }

  /** Whether ignore rules or exclude globs drop `relPath` (a directory when `isDirectory`). */
  ignoredBy(layers: readonly IgnoreLayer[], relPath: string, isDirectory: boolean): string | undefined {
    let verdict: string | undefined;
    for (const layer of layers) {
      const local = layer.base === '' ? relPath : relPath.slice(layer.base.length + 1);
      const result = layer.rules.test(isDirectory ? `${local}/` : local);
      if (result.ignored) verdict = layer.source;
      else if (result.unignored) verdict = undefined;
    }
    if (verdict !== undefined) return verdict;
    if (!isDirectory && this.excludeMatchers.some((match) => match(relPath))) return 'index.exclude setting';
    return undefined;
  }

  /**
   * The full verdict for one file, walking its folders from the root as discovery would: for
   * single-file updates. Undefined means index it (content checks still follow).
   */
  async classify(relPath: string, size: number): Promise<SkipVerdict | undefined> {
    const segments = relPath.split('/');
    let dir = '';
    for (let i = 0; i < segments.length - 1; i++) {
      const name = segments[i];
      if (silentDirectories.has(name)) return { reason: 'ignored', detail: `${name}/ folder` };
      const child = dir === '' ? name : `${dir}/${name}`;
      const byName = directoryVerdict(name);
      if (byName) return byName;
      const ignoredBy = this.ignoredBy(await this.layersFor(dir), child, true);
      if (ignoredBy !== undefined) return { reason: 'ignored', detail: ignoredBy };
      dir = child;
    }
    return this.fileVerdict(await this.layersFor(dir), relPath, size);
  }

  fileVerdict(layers: readonly IgnoreLayer[], relPath: string, size: number): SkipVerdict | undefined {
    const ignoredBy = this.ignoredBy(layers, relPath, false);
    if (ignoredBy !== undefined) return { reason: 'ignored', detail: ignoredBy };
    const byName = fileNameVerdict(relPath);
    if (byName) return byName;
    if (size > this.options.maxFileSizeBytes) {
      return { reason: 'tooLarge', detail: `${formatBytes(size)} > ${formatBytes(this.options.maxFileSizeBytes)}` };
    }
    return undefined;
  }

  private async loadLayers(relDir: string): Promise<IgnoreLayer[]> {
    const parent = relDir === '' ? [] : await this.layersFor(relDir.includes('/') ? relDir.slice(0, relDir.lastIndexOf('/')) : '');
    const own: IgnoreLayer[] = [];
    for (const file of ['.gitignore', '.groundworkignore']) {
      const text = await this.readText(relDir === '' ? file : `${relDir}/${file}`);
      if (text === undefined) continue;
      const source = relDir === '' ? file : `${relDir}/${file}`;
      own.push({ base: relDir, rules: ignore().add(text), source });
    }
    return own.length === 0 ? parent : [...parent, ...own];
  }

  private async readText(relPath: string): Promise<string | undefined> {
    const absolute = join(this.rootPath, ...relPath.split('/'));
    const stat = await this.fs.stat(absolute);
    if (stat?.kind !== 'file') return undefined;
    return new TextDecoder().decode(await this.fs.readFile(absolute));
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}
