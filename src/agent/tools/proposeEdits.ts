import type { ParsedFileEdit, SearchReplaceBlock } from '../../refactor/editParser.ts';
import { placeEdits } from '../../refactor/editPlacement.ts';
import { RefactorError } from '../../refactor/refactorError.ts';
import { introducedPlaceholders } from '../../safety/secretRedactor.ts';
import { type AgentTool, note, refusal, ToolFailure, workspacePath } from '../agentTool.ts';
import type { AgentPorts } from '../agentWorkspace.ts';
import type { EditCollector } from '../editCollector.ts';

const maxBlocks = 50;

export function proposeEditsTool(ports: Pick<AgentPorts, 'workspace' | 'policy'>, collector: EditCollector): AgentTool {
  return {
    readOnly: false,
    definition: {
      name: 'propose_edits',
      description:
        'Proposes changes as search/replace blocks. Each "search" copies existing lines of the file exactly (with enough lines around the change to be unique); "replace" holds the complete new lines. An empty "search" creates a new file. Nothing is written now: all proposed edits are shown to the user for review when you finish. Blocks that cannot be placed come back as an error; fix and resend them.',
      parameters: {
        type: 'object',
        properties: {
          edits: {
            type: 'array',
            items: {
              type: 'object',
              properties: { path: { type: 'string' }, search: { type: 'string' }, replace: { type: 'string' } },
              required: ['path', 'search', 'replace'],
            },
          },
        },
        required: ['edits'],
      },
    },
    async run(input, signal) {
      const blocksByPath = readBlocks(input.edits);
      const files: ParsedFileEdit[] = [];
      const current = new Map<string, string | undefined>();
      for (const [path, blocks] of blocksByPath) {
        const decision = ports.policy.check(path);
        if (!decision.allowed) throw refusal(path, decision);
        current.set(path, await collector.current(path, () => ports.workspace.read(path, signal)));
        files.push({ kind: 'blocks', path, blocks });
      }
      let placed;
      try {
        // All or nothing: one block that cannot be placed sends the whole call back.
        placed = placeEdits(files, (path) => current.get(path), { wholeFileMaxLines: 0 });
      } catch (error) {
        if (error instanceof RefactorError) throw new ToolFailure(`No edit of this call was kept.\n${error.problems.map((p) => `- ${p.path ?? ''}${p.block ? ` block ${p.block}` : ''}: ${p.message}`).join('\n')}`);
        throw error;
      }
      for (const file of placed) {
        const base = collector.base(file.path) ?? current.get(file.path);
        // A placeholder left in an edit is one the model mangled or made up: writing it would lose the user's secret.
        const invented = introducedPlaceholders(base ?? '', file.newText);
        if (invented.length > 0) {
          throw new ToolFailure(`No edit of this call was kept: ${file.path} would get ${invented.join(', ')}, which stands for no value Groundwork can put back. Copy placeholders exactly as you read them.`);
        }
      }
      for (const file of placed) collector.record(file.path, collector.base(file.path) ?? current.get(file.path), file.newText);
      const summary = placed.map((file) => `${file.path}${file.created ? ' (new)' : ''}: ${file.tiers.length} block(s) placed`).join('; ');
      return { parts: [note(`Accepted: ${summary}. They will be shown to the user for review when you finish.`)] };
    },
  };
}

function readBlocks(edits: unknown): Map<string, SearchReplaceBlock[]> {
  if (!Array.isArray(edits) || edits.length === 0) throw new ToolFailure('"edits" must be a non-empty array of { path, search, replace }.');
  if (edits.length > maxBlocks) throw new ToolFailure(`At most ${maxBlocks} blocks per call.`);
  const byPath = new Map<string, SearchReplaceBlock[]>();
  edits.forEach((edit: unknown, index) => {
    const fields = (edit ?? {}) as Record<string, unknown>;
    const { search, replace } = fields;
    if (typeof search !== 'string' || typeof replace !== 'string') throw new ToolFailure(`Edit ${index + 1} must have string "path", "search" and "replace".`);
    const clean = workspacePath(fields);
    // The placement engine works on whole lines, each ending in a newline.
    byPath.set(clean, [...(byPath.get(clean) ?? []), { search: asLines(search), replace: asLines(replace) }]);
  });
  return byPath;
}

function asLines(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}
