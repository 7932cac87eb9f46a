import { parseModelName } from './modelName.ts';

/**
 * Models known to take images in a chat prompt, by name. A model not listed is taken to have no
 * vision: an image it cannot read would fail the request or be ignored without a word.
 */
const vision: readonly RegExp[] = [
  /^gpt-4o/,
  /^gpt-4\.1/,
  /^gpt-4-turbo/,
  /^gpt-4\.5/,
  /^gpt-5/,
  /^o[134](?!-mini)/,
  /^claude-3/,
  /^claude-(?:opus|sonnet|haiku)-[4-9]/,
  /^claude-[4-9]/,
  /llava|vision|-vl\b|qwen2\.5-vl|pixtral|gemma-?3/i,
];

/** True when `model` (`provider/model` or a bare name) takes images. */
export function takesImages(model: string): boolean {
  const name = model.includes('/') ? parseModelName(model).model : model;
  return vision.some((pattern) => pattern.test(name));
}
