import * as vscode from 'vscode';
import { Emitter } from '../common/event.ts';
import type { SettingsSource } from '../common/settings.ts';
import type { SettingLayers } from '../common/settingsTrust.ts';
import { type SettingKey, settingKeys } from '../common/settingsSchema.ts';

/** The only reader of VS Code's configuration: everything else asks the typed Settings service. */
export class ConfigurationSource implements SettingsSource, vscode.Disposable {
  private readonly emitter = new Emitter<readonly SettingKey[]>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChange = this.emitter.event;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      const keys = settingKeys.filter((key) => event.affectsConfiguration(`groundwork.${key}`));
      if (keys.length > 0) this.emitter.fire(keys);
    });
  }

  /**
   * By layer, so that Settings can weigh the workspace's word per setting: the user's value is
   * `globalValue` (user and remote settings), the workspace's the folder's or `.code-workspace`'s.
   */
  read(key: SettingKey): SettingLayers {
    const inspected = vscode.workspace.getConfiguration('groundwork').inspect(key);
    return { user: inspected?.globalValue, workspace: inspected?.workspaceFolderValue ?? inspected?.workspaceValue };
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
