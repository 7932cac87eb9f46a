import type { SourceRef } from '../llm/contentFilter.ts';
import { abortReason } from '../common/async.ts';
import { type Logger, nullLogger } from '../common/logger.ts';
import type { DocumentSnapshot, Range } from '../common/text.ts';
import type { ChatRequest, ModelStream } from '../llm/modelGateway.ts';
import type { ChatMessage } from '../llm/modelTypes.ts';
import { type TokenCounter, tokenCounter } from '../llm/tokenizer.ts';
import type { WorkspaceExcerpt } from '../safety/promptFencing.ts';
import { type ParsedFileEdit, parseEditReply, type SearchReplaceBlock } from './editParser.ts';
import { defaultWholeFileMaxLines, type LineSpan, type PlacedFileEdit, placeEdits } from './editPlacement.ts';
import { createEditSet, type EditSet, type FileBase } from './editSet.ts';
import { RefactorError, type RefactorProblem, describeProblem } from './refactorError.ts';
import { lineCount } from '../common/text.ts';
import { buildRefactorPrompt, languageOfPath, type ShownFile, shownWholeFile } from './refactorPrompts.ts';
import type { RefactorCommand } from './refactorRequest.ts';

/** The model port: ModelGateway satisfies it. */
export interface RefactorModel {
  streamChat(request: ChatRequest): ModelStream;
}

/** Puts redacted secrets back into a reply: SecretRedactor satisfies it. */
export interface ReplyRestorer {
  restore(text: string): string;
}

/** A retrieved slice of a workspace file; lines 1-based and inclusive. */
export interface RetrievedSnippet {
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly text: string;
}

export type RetrieveContext = (query: string, signal: AbortSignal) => Promise<readonly RetrievedSnippet[]>;

/** Workspace paths for a query, best first: the index's file ranking. */
export type FindFiles = (query: string, limit: number, signal: AbortSignal) => Promise<readonly string[]>;

export interface RefactorProgress {
  readonly done: number;
  readonly total: number;
  /** What the request now starting (or just finished, when done === total) is about. */
  readonly path: string | undefined;
}

export interface RefactorPlannerOptions {
  readonly model: RefactorModel;
  readonly restorer?: ReplyRestorer;
  readonly retrieve?: RetrieveContext;
  /** The file ranking, which orders Cross-File Refactor's proposal; without it, snippets' order does. */
  readonly findFiles?: FindFiles;
  /** Prompt tokens per request; work is split to stay under it. */
  readonly maxPromptTokens?: number;
  /** Tokens of retrieval context per cross-file request. */
  readonly contextTokens?: number;
  readonly wholeFileMaxLines?: number;
  /** Automatic follow-ups asking the model to correct blocks that could not be read or placed. */
  readonly maxRepairs?: number;
  readonly counter?: TokenCounter;
  readonly logger?: Logger;
  /**
   * The access policy (secret files, ignore rules). A command naming a file it refuses fails
   * before anything is sent; retrieval context from such files is dropped.
   */
  readonly isReadable?: (path: string) => boolean;
}

export interface RefactorRunOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RefactorProgress) => void;
}

export interface RefactorOutcome {
  readonly editSet: EditSet;
  readonly placed: readonly PlacedFileEdit[];
  /** The models that answered, one per request. */
  readonly models: readonly string[];
}

/** A file proposed for a cross-file change, best first; the user confirms the list. */
export interface ProposedFile {
  readonly path: string;
  /** The retrieved lines that made it relevant. */
  readonly snippets: readonly RetrievedSnippet[];
}

/** One model request of a refactor: the files (or slices) it may edit. */
export interface WorkUnit {
  readonly shown: readonly ShownFile[];
  readonly otherFiles: readonly string[];
  readonly context: readonly WorkspaceExcerpt[];
}

const labels: Readonly<Record<RefactorCommand['kind'], string>> = {
  refactorSelection: 'Refactor Selection',
  addDocumentation: 'Add Documentation',
  generateTests: 'Generate Tests',
  fix: 'Fix with Groundwork',
  crossFile: 'Cross-File Refactor',
  mergeSnippet: 'Apply Code Block',
};

/**
 * Runs a refactor command end to end below the editor: splits it into requests that fit the
 * model, streams each from the heavy model, restores secrets, parses, asks once for a correction
 * when blocks do not fit, places everything, and returns one edit set for the preview.
 */
export class RefactorPlanner {
  private readonly model: RefactorModel;
  private readonly restorer: ReplyRestorer;
  private readonly retrieve: RetrieveContext | undefined;
  private readonly findFiles: FindFiles | undefined;
  private readonly maxPromptTokens: number;
  private readonly contextTokens: number;
  private readonly wholeFileMaxLines: number;
  private readonly maxRepairs: number;
  private readonly counter: TokenCounter;
  private readonly logger: Logger;

  private readonly isReadable: (path: string) => boolean;

  constructor(options: RefactorPlannerOptions) {
    this.isReadable = options.isReadable ?? (() => true);
    this.model = options.model;
    this.restorer = options.restorer ?? { restore: (text) => text };
    this.retrieve = options.retrieve;
    this.findFiles = options.findFiles;
    this.maxPromptTokens = options.maxPromptTokens ?? 24_000;
    this.contextTokens = options.contextTokens ?? 4_000;
    this.wholeFileMaxLines = options.wholeFileMaxLines ?? defaultWholeFileMaxLines;
    this.maxRepairs = options.maxRepairs ?? 1;
    this.counter = options.counter ?? tokenCounter;
    this.logger = options.logger ?? nullLogger;
  }

  /**
   * Files retrieval finds for a cross-file instruction, best first, for the user to confirm. The
   * file ranking orders them when there is one: it weighs whole files and what they are, where
   * the first appearance of a snippet favours whichever file has the single best passage.
   */
  async proposeFiles(instruction: string, signal: AbortSignal, limit = 8): Promise<ProposedFile[]> {
    if (!this.retrieve && !this.findFiles) return [];
    const snippets = this.retrieve ? await this.retrieve(instruction, signal) : [];
    const byPath = new Map<string, RetrievedSnippet[]>();
    for (const snippet of snippets) byPath.set(snippet.path, [...(byPath.get(snippet.path) ?? []), snippet]);
    const paths = this.findFiles ? await this.findFiles(instruction, limit, signal) : [...byPath.keys()];
    return paths.slice(0, limit).map((path) => ({ path, snippets: byPath.get(path) ?? [] }));
  }

  /** The requests a command becomes: one when it fits, else per file, per slice or per group of files. */
  plan(command: RefactorCommand, context: readonly WorkspaceExcerpt[] = []): WorkUnit[] {
    if (command.kind === 'crossFile') return this.planCrossFile(command, context);
    const whole: WorkUnit = { shown: [shownWholeFile(command.file)], otherFiles: [], context: [] };
    if (this.fits(command, whole)) return [whole];
    const focus = focusOf(command);
    if (focus) return [this.sliceAround(command, command.file, focus)];
    if (command.kind === 'addDocumentation') return this.chunks(command, command.file);
    // Tests for a whole huge file: the head of it, which holds the imports and first declarations.
    return [this.chunks(command, command.file)[0]!];
  }

  async run(command: RefactorCommand, options: RefactorRunOptions = {}): Promise<RefactorOutcome> {
    const signal = options.signal ?? new AbortController().signal;
    const refused = pathsOf(command).filter((path) => !this.isReadable(path));
    if (refused.length > 0) {
      throw new RefactorError('refused', refused.map((path) => ({ path, block: undefined, message: 'refused by the access policy' })));
    }
    const found = command.kind === 'crossFile' ? (command.context ?? (await this.fetchContext(command, signal))) : [];
    const context = found.filter((excerpt) => this.isReadable(excerpt.path));
    const units = this.plan(command, context);
    const bases = basesOf(command);
    const read = (path: string) => bases.get(path)?.text;
    const hints = hintsOf(command);
    const parsed: ParsedFileEdit[][] = [];
    const models: string[] = [];
    for (const [index, unit] of units.entries()) {
      if (signal.aborted) throw abortReason(signal);
      options.onProgress?.({ done: index, total: units.length, path: unitLabel(unit) });
      const result = await this.runUnit(command, unit, read, hints, signal);
      parsed.push(result.files);
      models.push(...result.models);
    }
    options.onProgress?.({ done: units.length, total: units.length, path: undefined });
    const merged = mergeByPath(parsed.flat());
    if (merged.length === 0) throw new RefactorError('noEdits', [{ path: undefined, block: undefined, message: 'the answer held no SEARCH/REPLACE blocks' }]);
    const placed = placeEdits(merged, read, { wholeFileMaxLines: this.wholeFileMaxLines, hints });
    const editSet = createEditSet(labels[command.kind], placed, bases);
    if (editSet.files.length === 0) throw new RefactorError('noEdits', [{ path: undefined, block: undefined, message: 'the edits change nothing' }]);
    return { editSet, placed, models };
  }

  private async runUnit(command: RefactorCommand, unit: WorkUnit, read: (path: string) => string | undefined, hints: ReadonlyMap<string, LineSpan>, signal: AbortSignal): Promise<{ files: ParsedFileEdit[]; models: string[] }> {
    const messages: ChatMessage[] = buildRefactorPrompt({ command, shown: unit.shown, context: unit.context, otherFiles: unit.otherFiles, wholeFileMaxLines: this.wholeFileMaxLines });
    const editable = editablePaths(command, unit);
    const parseOptions = { knownPaths: editable, ...(editable.length === 1 ? { defaultPath: editable[0]! } : {}) };
    const models: string[] = [];
    let files: ParsedFileEdit[] = [];
    for (let attempt = 0; ; attempt++) {
      const reply = await this.ask(command, messages, sourcesOf(unit), signal);
      models.push(reply.model);
      const result = parseEditReply(this.restorer.restore(reply.text), parseOptions);
      // A correction replaces the blocks of the files it mentions and keeps the rest.
      const mentioned = new Set(result.files.map((file) => file.path));
      files = [...files.filter((file) => !mentioned.has(file.path)), ...result.files];
      const problems = [...result.problems, ...this.check(command, files, read, hints, editable)];
      if (problems.length === 0) return { files, models };
      const reason = result.problems.length > 0 ? 'parse' : 'placement';
      if (attempt >= this.maxRepairs) throw new RefactorError(reason, problems);
      this.logger.info(`Asking for a correction of ${problems.length} block(s) (${reason}).`);
      messages.push({ role: 'assistant', content: reply.text }, { role: 'user', content: repairPrompt(problems) });
    }
  }

  /** Problems with a unit's edits that a correction could fix: files it may not edit, blocks that do not place. */
  private check(command: RefactorCommand, files: readonly ParsedFileEdit[], read: (path: string) => string | undefined, hints: ReadonlyMap<string, LineSpan>, editable: readonly string[]): RefactorProblem[] {
    const problems: RefactorProblem[] = [];
    const allowed = files.filter((file) => {
      // Cross-file changes may create files; the single-file commands edit only their targets.
      const ok = editable.includes(file.path) || (command.kind === 'crossFile' && read(file.path) === undefined);
      if (!ok) problems.push({ path: file.path, block: undefined, message: 'this file was not part of the request; edit only the files given' });
      return ok;
    });
    try {
      placeEdits(allowed, read, { wholeFileMaxLines: this.wholeFileMaxLines, hints });
    } catch (error) {
      if (!(error instanceof RefactorError)) throw error;
      problems.push(...error.problems);
    }
    return problems;
  }

  private async ask(command: RefactorCommand, messages: readonly ChatMessage[], sources: readonly SourceRef[], signal: AbortSignal): Promise<{ text: string; model: string }> {
    const stream = this.model.streamChat({
      task: command.kind === 'crossFile' ? 'crossFile' : 'refactor',
      feature: `refactor.${command.kind}`,
      messages,
      sources,
      signal,
      temperature: 0,
    });
    let text = '';
    let streamed = false;
    for await (const event of stream) {
      // Another model starts over after a failure mid-answer: what came before is void.
      if (event.type === 'restart') text = '';
      else text += event.text;
      streamed = true;
    }
    const result = await stream.result;
    if (signal.aborted) throw abortReason(signal);
    return { text: streamed ? text : result.text, model: result.model };
  }

  private async fetchContext(command: Extract<RefactorCommand, { kind: 'crossFile' }>, signal: AbortSignal): Promise<WorkspaceExcerpt[]> {
    if (!this.retrieve) return [];
    const targets = new Set(command.files.map((file) => file.path));
    const snippets = await this.retrieve(command.instruction, signal);
    if (signal.aborted) throw abortReason(signal);
    const chosen: WorkspaceExcerpt[] = [];
    let used = 0;
    for (const snippet of snippets) {
      // The target files are shown whole; their snippets would only repeat them.
      if (targets.has(snippet.path)) continue;
      const cost = this.counter.count(snippet.text) + 30;
      if (used + cost > this.contextTokens) continue;
      used += cost;
      const language = languageOfPath(snippet.path);
      chosen.push({ path: snippet.path, startLine: snippet.startLine, endLine: snippet.endLine, text: snippet.text, ...(language ? { language } : {}) });
    }
    return chosen;
  }

  private planCrossFile(command: Extract<RefactorCommand, { kind: 'crossFile' }>, context: readonly WorkspaceExcerpt[]): WorkUnit[] {
    const all = command.files.map((file) => shownWholeFile(file));
    const together: WorkUnit = { shown: all, otherFiles: [], context };
    if (this.fits(command, together)) return [together];
    // Too big for one request: groups of whole files, each told about the others.
    const groups: ShownFile[][] = [];
    const tooLarge: RefactorProblem[] = [];
    for (const file of all) {
      const alone: WorkUnit = { shown: [file], otherFiles: [], context: [] };
      if (!this.fits(command, alone)) {
        tooLarge.push({ path: file.path, block: undefined, message: `has ${file.totalLines} lines, more than fits one request; refactor it on its own with a selection` });
        continue;
      }
      const last = groups.at(-1);
      if (last && this.fits(command, { shown: [...last, file], otherFiles: [], context: [] })) last.push(file);
      else groups.push([file]);
    }
    if (tooLarge.length > 0) throw new RefactorError('tooLarge', tooLarge);
    const paths = all.map((file) => file.path);
    return groups.map((shown) => {
      const own = new Set(shown.map((file) => file.path));
      const unit = { shown, otherFiles: paths.filter((path) => !own.has(path)), context: [] as WorkspaceExcerpt[] };
      // Context fills what room is left in each request, best snippets first.
      for (const excerpt of context) {
        const withIt = { ...unit, context: [...unit.context, excerpt] };
        if (this.fits(command, withIt)) unit.context = withIt.context;
      }
      return unit;
    });
  }

  private sliceAround(command: RefactorCommand, file: DocumentSnapshot, focus: LineSpan): WorkUnit {
    const lines = file.text.split('\n');
    for (let margin = 200; margin >= 0; margin = margin === 0 ? -1 : Math.floor(margin / 2)) {
      const start = Math.max(0, focus.start - margin);
      const end = Math.min(lines.length, focus.end + margin);
      const unit = { shown: [slice(file, lines, start, end)], otherFiles: [], context: [] };
      if (this.fits(command, unit)) return unit;
    }
    throw new RefactorError('tooLarge', [{ path: file.path, block: undefined, message: 'the selection alone is larger than fits one request; select less code' }]);
  }

  /** Consecutive slices of a file, each fitting one request, cut at blank lines where possible. */
  private chunks(command: RefactorCommand, file: DocumentSnapshot): WorkUnit[] {
    const lines = file.text.split('\n');
    const overhead = this.promptTokens(command, { shown: [slice(file, lines, 0, 0)], otherFiles: [], context: [] });
    const room = Math.floor((this.maxPromptTokens - overhead) * 0.9);
    if (room <= 0) throw new RefactorError('tooLarge', [{ path: file.path, block: undefined, message: 'the prompt alone is larger than the model allows' }]);
    const units: WorkUnit[] = [];
    let start = 0;
    while (start < lines.length) {
      let end = start;
      let used = 0;
      let lastBlank = -1;
      while (end < lines.length) {
        const cost = this.counter.count(`${lines[end]!}\n`);
        if (used + cost > room && end > start) break;
        used += cost;
        if (lines[end]!.trim() === '') lastBlank = end;
        end++;
      }
      // Cut after the last blank line of the chunk's final third, so declarations stay whole.
      if (end < lines.length && lastBlank > start + (end - start) * 0.66) end = lastBlank + 1;
      units.push({ shown: [slice(file, lines, start, end)], otherFiles: [], context: [] });
      start = end;
    }
    return units;
  }

  private fits(command: RefactorCommand, unit: WorkUnit): boolean {
    return this.promptTokens(command, unit) <= this.maxPromptTokens;
  }

  private promptTokens(command: RefactorCommand, unit: WorkUnit): number {
    const messages = buildRefactorPrompt({ command, shown: unit.shown, context: unit.context, otherFiles: unit.otherFiles, wholeFileMaxLines: this.wholeFileMaxLines });
    // A few tokens per message for the chat framing.
    return messages.reduce((sum, message) => sum + this.counter.count(message.content) + 4, 0);
  }
}

function slice(file: DocumentSnapshot, lines: readonly string[], start: number, end: number): ShownFile {
  const text = lines.slice(start, end).join('\n');
  return { path: file.path, languageId: file.languageId, text: end < lines.length && text !== '' ? `${text}\n` : text, startLine: start + 1, totalLines: lineCount(file.text) };
}

function focusOf(command: RefactorCommand): LineSpan | undefined {
  switch (command.kind) {
    case 'refactorSelection':
      return spanOf(command.selection);
    case 'addDocumentation':
    case 'generateTests':
      return command.selection ? spanOf(command.selection) : undefined;
    case 'fix': {
      if (command.diagnostics.length === 0) return undefined;
      return { start: Math.min(...command.diagnostics.map((d) => d.range.start.line)), end: Math.max(...command.diagnostics.map((d) => d.range.end.line)) + 1 };
    }
    case 'crossFile':
      return undefined;
  }
}

function spanOf(range: Range): LineSpan {
  const end = range.end.character === 0 && range.end.line > range.start.line ? range.end.line : range.end.line + 1;
  return { start: range.start.line, end };
}

function hintsOf(command: RefactorCommand): Map<string, LineSpan> {
  const focus = focusOf(command);
  return focus && command.kind !== 'crossFile' ? new Map([[command.file.path, focus]]) : new Map();
}

function basesOf(command: RefactorCommand): Map<string, FileBase> {
  const bases = new Map<string, FileBase>();
  const files = command.kind === 'crossFile' ? command.files : [command.file];
  for (const file of files) bases.set(file.path, { text: file.text, version: file.version });
  if (command.kind === 'generateTests') bases.set(command.testFile.path, { text: command.testFile.text });
  return bases;
}

function editablePaths(command: RefactorCommand, unit: WorkUnit): string[] {
  const paths = unit.shown.map((file) => file.path);
  if (command.kind === 'generateTests') paths.push(command.testFile.path);
  return paths;
}

function unitLabel(unit: WorkUnit): string | undefined {
  const first = unit.shown[0];
  if (!first) return undefined;
  const endLine = first.startLine + Math.max(1, lineCount(first.text)) - 1;
  const partial = first.startLine > 1 || endLine < first.totalLines;
  const more = unit.shown.length > 1 ? ` and ${unit.shown.length - 1} more` : '';
  return partial ? `${first.path} (lines ${first.startLine}-${endLine})` : `${first.path}${more}`;
}

/** Requests that split one file return blocks for it separately; they are placed together. */
function mergeByPath(files: readonly ParsedFileEdit[]): ParsedFileEdit[] {
  const merged = new Map<string, ParsedFileEdit>();
  for (const file of files) {
    const existing = merged.get(file.path);
    if (existing?.kind === 'blocks' && file.kind === 'blocks') {
      const blocks: SearchReplaceBlock[] = [...existing.blocks, ...file.blocks];
      merged.set(file.path, { kind: 'blocks', path: file.path, blocks });
    } else merged.set(file.path, file);
  }
  return [...merged.values()];
}

function repairPrompt(problems: readonly RefactorProblem[]): string {
  return [
    'Some of your edits could not be applied:',
    ...problems.map((problem) => `- ${describeProblem(problem)}`),
    '',
    'Send again every SEARCH/REPLACE block for the files named above (all of them, including the ones that were fine), copying SEARCH lines exactly from the file as shown. Blocks for other files are kept as they were.',
  ].join('\n');
}

/** The file regions a request shows the model, for the audit log (1-based, inclusive). */
function sourcesOf(unit: WorkUnit): SourceRef[] {
  return [
    ...unit.shown.map((file) => ({ path: file.path, startLine: file.startLine, endLine: file.startLine + Math.max(1, lineCount(file.text)) - 1 })),
    ...unit.context.map((excerpt) => ({ path: excerpt.path, startLine: excerpt.startLine, endLine: excerpt.endLine })),
  ];
}

/** Every workspace file a command would read or write. */
function pathsOf(command: RefactorCommand): string[] {
  switch (command.kind) {
    case 'crossFile':
      return command.files.map((file) => file.path);
    case 'generateTests':
      return [command.file.path, command.testFile.path, ...(command.testFile.example ? [command.testFile.example.path] : [])];
    default:
      return [command.file.path];
  }
}
