import { GroundworkError } from '../common/errors.ts';

export interface ModelName {
  /** `openai`, `anthropic` or the name of an entry in `groundwork.endpoints`. */
  readonly provider: string;
  /** Everything after the first slash, which may itself contain slashes (`ollama/library/qwen`). */
  readonly model: string;
}

/** Splits `provider/model`; a name without a provider is a settings mistake the user must fix. */
export function parseModelName(name: string): ModelName {
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) {
    throw new GroundworkError(`"${name}" is not a model name: write it as provider/model, for example openai/gpt-4o-mini.`, {
      actions: ['openSettings'],
    });
  }
  return { provider: name.slice(0, slash), model: name.slice(slash + 1) };
}
