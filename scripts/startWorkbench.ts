// What `npm start` and the end-to-end tests set in the VS Code they open, so Groundwork is what
// greets the user: settings, and for `npm start` a one-line helper extension that brings
// Groundwork's chat to the front.
import { zipArchive } from './zip.ts';

/** User settings for a VS Code opened to show Groundwork. */
export const workbenchSettings: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  // VS Code's own chat would open beside Groundwork's and take what the user types.
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  // The demo workspace sits inside this repository's clone; without this every start asks whether
  // to open the parent folder's git repository.
  'git.openRepositoryInParentFolders': 'never',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
};

/**
 * The settings file's text with every workbench setting the user has not set added; the user's
 * own values stay. A file that is not plain JSON (VS Code allows comments) is left as it is.
 */
export function withWorkbenchSettings(existing: string | undefined): string | undefined {
  let current: Record<string, unknown> = {};
  if (existing !== undefined && existing.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(existing);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
      current = parsed as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
  const missing = Object.keys(workbenchSettings).filter((key) => !(key in current));
  if (existing !== undefined && missing.length === 0) return undefined;
  return `${JSON.stringify({ ...current, ...Object.fromEntries(missing.map((key) => [key, workbenchSettings[key]])) }, null, 2)}\n`;
}

/**
 * A .vsix of an extension that focuses Groundwork's chat view once the window has started: VS Code
 * has no setting for the side bar a new window opens on, and it opens the Explorer.
 */
export function chatInFrontExtension(): Buffer {
  const manifest = {
    name: 'groundwork-start',
    displayName: 'Groundwork: chat in front (npm start)',
    publisher: 'groundwork-dev',
    version: '0.0.1',
    engines: { vscode: '^1.100.0' },
    activationEvents: ['onStartupFinished'],
    main: './extension.js',
  };
  const code = "exports.activate = () => { require('vscode').commands.executeCommand('groundwork.chat.focus').then(undefined, () => undefined); };\n";
  return zipArchive({ 'extension/package.json': JSON.stringify(manifest, null, 2), 'extension/extension.js': code });
}
