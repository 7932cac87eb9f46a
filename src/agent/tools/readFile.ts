import { type AgentTool, note, optionalIntArg, refusal, ToolFailure, workspacePath } from '../agentTool.ts';
import type { AgentPorts } from '../agentWorkspace.ts';

/** Lines shown when the model names no range: enough for most functions, not a whole large file. */
const defaultLines = 300;

export function readFileTool(ports: Pick<AgentPorts, 'workspace' | 'policy'>): AgentTool {
  return {
    readOnly: true,
    definition: {
      name: 'read_file',
      description: `Reads lines of a workspace file (1-based, inclusive). Without a range, the first ${defaultLines} lines. Secret and excluded files are refused.`,
      parameters: {
        type: 'object',
        properties: {
          path: { type: 'string', description: 'Workspace-relative path, as other tools print it.' },
          startLine: { type: 'integer', minimum: 1 },
          endLine: { type: 'integer', minimum: 1 },
        },
        required: ['path'],
      },
    },
    async run(input, signal) {
      const path = workspacePath(input);
      const decision = ports.policy.check(path);
      if (!decision.allowed) throw refusal(path, decision);
      const text = await ports.workspace.read(path, signal);
      if (text === undefined) throw new ToolFailure(`No such text file: ${path}. Use find_files to look for it.`);
      const lines = text.split('\n');
      if (lines.at(-1) === '' && lines.length > 1) lines.pop();
      const total = lines.length;
      const startLine = optionalIntArg(input, 'startLine', 1, Number.MAX_SAFE_INTEGER) ?? 1;
      if (startLine > total) throw new ToolFailure(`${path} has ${total} lines; startLine ${startLine} is past its end.`);
      const requestedEnd = optionalIntArg(input, 'endLine', 1, Number.MAX_SAFE_INTEGER) ?? startLine + defaultLines - 1;
      if (requestedEnd < startLine) throw new ToolFailure('endLine must not be before startLine.');
      const endLine = Math.min(requestedEnd, total);
      const excerpt = { path, startLine, endLine, text: lines.slice(startLine - 1, endLine).join('\n') };
      const more = endLine < total ? ` Lines ${endLine + 1}-${total} not shown.` : '';
      return { parts: [note(`${path} has ${total} lines.${more}`), { kind: 'workspace', excerpt }] };
    },
  };
}
