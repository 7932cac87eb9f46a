import * as vscode from 'vscode';
import { Emitter } from '../common/event.ts';
import type { SettingsSource } from '../common/settings.ts';
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

  read(key: SettingKey): unknown {
    return vscode.workspace.getConfiguration('groundwork').get(key);
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
