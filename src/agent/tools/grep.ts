import { type Context, createContext, Script } from 'node:vm';
import picomatch from 'picomatch';
import { abortReason, yieldToEventLoop } from '../../common/async.ts';
import { type AgentTool, note, optionalIntArg, optionalStringArg, type ToolPart, stringArg, ToolFailure } from '../agentTool.ts';
import type { AgentPorts } from '../agentWorkspace.ts';

const defaultMaxMatches = 100;
/** Longer lines (minified code, data) are not searched: the pattern's cost grows with them, and they say little. */
const maxLineLength = 2_000;
/** A matching line is shown up to this many characters. */
const shownLineLength = 240;
const maxFileBytes = 1_000_000;
/**
 * The pattern is the model's, and so, through text it read, possibly a workspace's: one that
 * backtracks without end would stop the extension host. Each file's matching runs under a time
 * limit that V8 enforces inside the regular expression engine itself.
 */
const perFileMs = 250;
const matchScript = new Script(`lines.map((line) => line.length <= ${maxLineLength} && regex.test(line))`);

export function grepTool(ports: Pick<AgentPorts, 'workspace' | 'policy'>): AgentTool {
  return {
    readOnly: true,
    definition: {
      name: 'grep',
      description:
        'Searches workspace files for a regular expression (JavaScript syntax), line by line, and lists matching lines with their numbers. Honours the ignore rules; secret files are never searched.',
      parameters: {
        type: 'object',
        properties: {
          pattern: { type: 'string' },
          glob: { type: 'string', description: 'Only files whose path matches this glob.' },
          caseSensitive: { type: 'boolean' },
          maxMatches: { type: 'integer', minimum: 1, maximum: 500 },
        },
        required: ['pattern'],
      },
    },
    async run(input, signal) {
      const pattern = stringArg(input, 'pattern');
      const glob = optionalStringArg(input, 'glob');
      const maxMatches = optionalIntArg(input, 'maxMatches', 1, 500) ?? defaultMaxMatches;
      let regex: RegExp;
      try {
        regex = new RegExp(pattern, input.caseSensitive === true ? 'u' : 'iu');
      } catch (error) {
        throw new ToolFailure(`Not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`);
      }
      // One context for the whole search: making one costs about a millisecond.
      const sandbox = createContext({ regex, lines: [] as readonly string[] });
      const inGlob = glob ? picomatch(glob, { dot: true, basename: !glob.includes('/') }) : () => true;
      const files = (await ports.workspace.listFiles(signal)).filter((path) => inGlob(path) && ports.policy.check(path).allowed);
      const parts: ToolPart[] = [];
      let matches = 0;
      let skippedLines = 0;
      let searched = 0;
      for (const path of files) {
        if (matches >= maxMatches) break;
        if (signal.aborted) throw abortReason(signal);
        const text = await ports.workspace.read(path, signal);
        searched++;
        // The search runs on this thread: give Stop and other work a turn between files.
        if (searched % 50 === 0) await yieldToEventLoop();
        if (text === undefined || text.length > maxFileBytes) continue;
        const hits: string[] = [];
        let first: number | undefined;
        let last = 0;
        const lines = text.split('\n');
        const matched = matchLines(sandbox, lines, path);
        lines.forEach((line, index) => {
          if (matches >= maxMatches) return;
          if (line.length > maxLineLength) {
            skippedLines++;
            return;
          }
          if (!matched[index]) return;
          matches++;
          first ??= index + 1;
          last = index + 1;
          hits.push(`${index + 1}: ${line.length > shownLineLength ? `${line.slice(0, shownLineLength)}…` : line}`);
        });
        if (hits.length > 0) parts.push({ kind: 'workspace', excerpt: { path, startLine: first!, endLine: last, text: hits.join('\n') } });
      }
      const capped = matches >= maxMatches ? ` Stopped at ${maxMatches} matches; narrow the pattern or the glob for more.` : '';
      const long = skippedLines > 0 ? ` ${skippedLines} line(s) longer than ${maxLineLength} characters were not searched.` : '';
      const summary = matches === 0 ? `No line matches /${pattern}/ in ${files.length} file(s).${long}` : `${matches} matching line(s) in ${parts.length} file(s).${capped}${long}`;
      return { parts: [note(summary), ...parts] };
    },
  };
}

/** Which lines match, within `perFileMs`; a pattern that takes longer is the model's to simplify. */
function matchLines(sandbox: Context, lines: readonly string[], path: string): readonly boolean[] {
  sandbox.lines = lines;
  try {
    return matchScript.runInContext(sandbox, { timeout: perFileMs }) as boolean[];
  } catch (error) {
    // Thrown from the script's own context, so not an Error of this one: known by its code.
    if ((error as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new ToolFailure(`The pattern ran past ${perFileMs} ms on ${path} and was stopped: it backtracks too much. Use a simpler pattern.`);
    }
    throw error;
  }
}
