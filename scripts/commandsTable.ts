// The README's commands table, from package.json's contributed commands and their keybindings.
// What each command does is written here, once, because the manifest has no place for it; a
// command without a line here fails `npm run sync:manifest` and its unit test.
import { tableCell, withGeneratedBlock } from './readmeBlocks.ts';

export const commandDescriptions: Readonly<Record<string, string>> = {
  'groundwork.setApiKey': 'store a key for OpenAI, Anthropic or one of your endpoints',
  'groundwork.clearApiKey': 'remove a stored key',
  'groundwork.manageWorkspaceHosts': "allow or revoke the hosts a workspace's settings send requests to",
  'groundwork.connectSharedIndex': "search a team index on Postgres (filled by `groundwork index --postgres`), with this machine's changes on top; the connection string goes to Secret Storage",
  'groundwork.disconnectSharedIndex': 'stop using the shared index and forget its connection string',
  'groundwork.checkModels': 'send a tiny request to each role\'s model and say what answered, or what to fix',
  'groundwork.showUsage': 'calls, tokens and cost today and this month, per feature and model; completion acceptance',
  'groundwork.toggleCompletions': 'stop ghost text until resumed (also a click on the paused status item)',
  'groundwork.openAuditLog': 'pick a day (UTC, newest first) and read its requests: feature, model, files and lines, tokens, redactions, outcome',
  'groundwork.searchCodebase': "the index's hybrid search; opens the hit",
  'groundwork.showIndexStatus': 'what is indexed, and the skipped files with why (secret, ignored, binary, too large…): counts per reason and the first 200 of each',
  'groundwork.rebuildIndex': 'delete the index and build it again from every file (it asks first past 2,000 files, or when a remote embedder would be paid for every chunk again)',
  'groundwork.showMenu': 'what Groundwork is doing, and the actions at hand (also a click on the status bar item)',
  'groundwork.focusChat': 'open the chat view',
  'groundwork.openLogs': 'the "Groundwork" output channel',
  'groundwork.refactorSelection': 'change the selected code as you describe, on the heavy model',
  'groundwork.explainSelection': 'explain the selection (or the current line) in the chat panel, where follow-up questions can go',
  'groundwork.addDocumentation': "doc comments for the selection, or for the file's undocumented declarations; code unchanged",
  'groundwork.generateTests': "tests for the selection or the file, in the test file your project's conventions call for",
  'groundwork.fixWithGroundwork': 'fix the problems reported at the cursor (also a quick fix on diagnostics)',
  'groundwork.crossFileRefactor': 'a change across files: the index proposes the files, you confirm them',
};

export interface CommandsManifest {
  readonly contributes: {
    readonly commands: readonly { readonly command: string; readonly title: string; readonly category?: string }[];
    readonly keybindings?: readonly { readonly command: string; readonly key: string; readonly mac?: string }[];
  };
}

/** `ctrl+alt+g` as the README writes it: `Ctrl+Alt+G`. */
function keyLabel(key: string): string {
  return key
    .split('+')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('+');
}

export function commandsTable(manifest: CommandsManifest): string {
  const rows = manifest.contributes.commands.map(({ command, title, category }) => {
    const description = commandDescriptions[command];
    if (description === undefined) throw new Error(`${command} has no description in scripts/commandsTable.ts`);
    const keys = (manifest.contributes.keybindings ?? [])
      .filter((binding) => binding.command === command)
      .map((binding) => `\`${keyLabel(binding.key)}\`${binding.mac ? `, \`${keyLabel(binding.mac)}\` on macOS` : ''}`);
    const name = category ? `${category}: ${title}` : title;
    return `| ${tableCell(name)} | ${tableCell(description)}${keys.length > 0 ? ` (${keys.join('; ')})` : ''} |`;
  });
  return ['| command | what it does |', '|---|---|', ...rows].join('\n');
}

export function withCommandsTable(readme: string, manifest: CommandsManifest): string {
  return withGeneratedBlock(readme, 'commands', commandsTable(manifest));
}
