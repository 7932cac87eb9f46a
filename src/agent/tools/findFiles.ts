import picomatch from 'picomatch';
import { type AgentTool, note, optionalIntArg, stringArg } from '../agentTool.ts';
import type { AgentPorts } from '../agentWorkspace.ts';

const defaultLimit = 200;

export function findFilesTool(ports: Pick<AgentPorts, 'workspace' | 'policy'>): AgentTool {
  return {
    readOnly: true,
    definition: {
      name: 'find_files',
      description: 'Lists workspace files whose path matches a glob (for example "src/**/*.ts" or "**/*test*"). Ignored and secret files are never listed.',
      parameters: {
        type: 'object',
        properties: { glob: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 1000 } },
        required: ['glob'],
      },
    },
    async run(input, signal) {
      const glob = stringArg(input, 'glob');
      const limit = optionalIntArg(input, 'limit', 1, 1000) ?? defaultLimit;
      // A bare name matches at any depth, as people mean "*.ts".
      const matches = picomatch(glob, { dot: true, basename: !glob.includes('/') });
      const found = (await ports.workspace.listFiles(signal)).filter((path) => matches(path) && ports.policy.check(path).allowed);
      if (found.length === 0) return { parts: [note(`No file matches ${JSON.stringify(glob)}.`)] };
      const shown = found.slice(0, limit);
      const more = found.length > shown.length ? ` Showing the first ${shown.length}; narrow the glob for the rest.` : '';
      return {
        parts: [note(`${found.length} file(s) match ${JSON.stringify(glob)}.${more}`), { kind: 'workspace', listing: true, excerpt: { path: 'file list', text: shown.join('\n') } }],
      };
    },
  };
}
