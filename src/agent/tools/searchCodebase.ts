import { type AgentTool, note, optionalIntArg, stringArg, type ToolPart } from '../agentTool.ts';
import type { AgentPorts } from '../agentWorkspace.ts';

const defaultTop = 8;

export function searchCodebaseTool(ports: AgentPorts): AgentTool {
  return {
    readOnly: true,
    definition: {
      name: 'search_codebase',
      description: 'Searches the workspace index (meaning and keywords together) and returns the best-matching code chunks with their paths and lines.',
      parameters: {
        type: 'object',
        properties: { query: { type: 'string', description: 'What you are looking for, in words or identifiers.' }, top: { type: 'integer', minimum: 1, maximum: 30 } },
        required: ['query'],
      },
    },
    async run(input, signal) {
      const query = stringArg(input, 'query');
      const top = optionalIntArg(input, 'top', 1, 30) ?? defaultTop;
      const hits = (await ports.search(query, { top }, signal)).filter((hit) => ports.policy.check(hit.path).allowed);
      if (hits.length === 0) return { parts: [note(`Nothing in the index matches ${JSON.stringify(query)}. Try grep or find_files.`)] };
      // The index answers with lines; the text is read now, so the model sees the file as it is.
      const texts = new Map<string, Promise<string | undefined>>();
      const parts: ToolPart[] = [];
      for (const hit of hits) {
        let text = texts.get(hit.path);
        if (!text) texts.set(hit.path, (text = ports.workspace.read(hit.path, signal)));
        const lines = (await text)?.split('\n');
        if (!lines || hit.startLine > lines.length) continue;
        const endLine = Math.min(hit.endLine, lines.length);
        // The path and lines are on the fence's label; names from the workspace stay quoted.
        const label = `Score ${hit.score.toFixed(3)}${hit.symbol ? `, symbol ${JSON.stringify(hit.symbol)}` : ''}:`;
        parts.push(note(label), { kind: 'workspace', excerpt: { path: hit.path, startLine: hit.startLine, endLine, text: lines.slice(hit.startLine - 1, endLine).join('\n') } });
      }
      return { parts: [note(`${parts.length / 2} result(s), best first.`), ...parts] };
    },
  };
}
