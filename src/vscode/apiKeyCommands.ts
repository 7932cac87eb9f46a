import * as vscode from 'vscode';
import type { Settings } from '../common/settings.ts';
import { type ApiKeys, environmentKeyNames } from '../llm/apiKeys.ts';
import { currentTarget, providerLabel } from '../llm/providerTarget.ts';

interface ProviderPick extends vscode.QuickPickItem {
  readonly provider: string;
}

/** The providers a key can be set for: the two vendors and every configured endpoint. */
async function providerPicks(settings: Settings, keys: ApiKeys): Promise<ProviderPick[]> {
  const providers = ['openai', 'anthropic', ...settings.get('endpoints').map((endpoint) => endpoint.name)];
  return Promise.all(
    [...new Set(providers)].map(async (provider) => {
      const current = await keys.get(provider);
      const detail =
        current?.source === 'secretStorage'
          ? 'A key is stored'
          : current?.source === 'environment'
            ? `Using ${environmentKeyNames[provider]} from the environment`
            : 'No key yet';
      return { provider, label: providerLabel(provider), description: detail };
    }),
  );
}

/** "Groundwork: Set API Key": stores a key per provider in SecretStorage, never in settings. */
export async function setApiKey(settings: Settings, keys: ApiKeys, provider?: string): Promise<boolean> {
  const chosen =
    provider ??
    (
      await vscode.window.showQuickPick(providerPicks(settings, keys), {
        title: 'Groundwork: Set API Key',
        placeHolder: 'Which provider is the key for?',
      })
    )?.provider;
  if (!chosen) return false;
  const origin = currentTarget(chosen, settings).origin;
  if (!origin) {
    void vscode.window.showErrorMessage(`Groundwork: ${providerLabel(chosen)}'s base URL is not a valid http(s) URL; fix it in settings before setting a key.`);
    return false;
  }
  const key = await vscode.window.showInputBox({
    title: `Groundwork: ${providerLabel(chosen)} API key`,
    prompt: `Sent only to ${origin}. Stored in VS Code Secret Storage on this machine; never in settings, never logged.`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : 'Paste the API key, or press Escape to cancel.'),
  });
  if (!key) return false;
  await keys.set(chosen, key, origin);
  void vscode.window.showInformationMessage(`Groundwork: ${providerLabel(chosen)} API key saved.`);
  return true;
}

export async function clearApiKey(settings: Settings, keys: ApiKeys): Promise<void> {
  const picks = (await providerPicks(settings, keys)).filter((pick) => pick.description === 'A key is stored');
  if (picks.length === 0) {
    void vscode.window.showInformationMessage('Groundwork: no API key is stored.');
    return;
  }
  const chosen = await vscode.window.showQuickPick(picks, { title: 'Groundwork: Clear API Key' });
  if (!chosen) return;
  await keys.clear(chosen.provider);
  void vscode.window.showInformationMessage(`Groundwork: ${chosen.label} API key removed.`);
}
