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
        text.split('\n').forEach((line, index) => {
          if (matches >= maxMatches) return;
          if (line.length > maxLineLength) {
            skippedLines++;
            return;
          }
          if (!regex.test(line)) return;
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
