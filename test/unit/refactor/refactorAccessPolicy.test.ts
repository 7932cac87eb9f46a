import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatRequest, ModelStream } from '../../../src/llm/modelGateway.ts';
import { RefactorError } from '../../../src/refactor/refactorError.ts';
import { RefactorPlanner } from '../../../src/refactor/refactorPlanner.ts';
import { FileAccessPolicy } from '../../../src/safety/fileAccessPolicy.ts';

// The secret-file denylist holds for refactors too: a command that names a secret file sends
// nothing, and retrieval context from secret files never reaches the prompt.
class RecordingModel {
  readonly requests: ChatRequest[] = [];
  streamChat(request: ChatRequest): ModelStream {
    this.requests.push(request);
    const text = 'src/app.ts\n<<<<<<< SEARCH\nexport const a = 1;\n=======\nexport const a = 2;\n>>>>>>> REPLACE\n';
    return {
      result: Promise.resolve({ text, model: 'fake/heavy', tier: 'heavy', usage: { inputTokens: 1, outputTokens: 1, source: 'api' }, costUsd: 0, fallbackFrom: null, escalated: false, finishReason: 'stop', redactions: 0 }),
      cancel: () => {},
      async *[Symbol.asyncIterator]() {
        yield { type: 'text' as const, text };
      },
    };
  }
}

const policy = new FileAccessPolicy();
const snapshot = (path: string, text: string) => ({ path, languageId: 'typescript', version: 1, text });

test('a refactor of a secret file is refused before anything is sent', async () => {
  const model = new RecordingModel();
  const planner = new RefactorPlanner({ model, isReadable: (path) => policy.isAllowed(path) });
  const command = { kind: 'crossFile', instruction: 'rotate the key', files: [snapshot('src/app.ts', 'export const a = 1;\n'), snapshot('.env', 'TOKEN=x\n')] } as const;
  const error = await planner.run(command).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  assert.ok(error instanceof RefactorError);
  assert.equal(error.reason, 'refused');
  assert.match(error.message, /\.env/);
  assert.equal(model.requests.length, 0);
});

test('retrieval context from secret files is dropped from cross-file prompts', async () => {
  const model = new RecordingModel();
  const planner = new RefactorPlanner({
    model,
    isReadable: (path) => policy.isAllowed(path),
    retrieve: async () => [
      { path: 'src/config.ts', startLine: 1, endLine: 1, text: 'export const region = "eu";' },
      { path: 'deploy/server.pem', startLine: 1, endLine: 1, text: '-----BEGIN PRIVATE KEY-----' },
    ],
  });
  await planner.run({ kind: 'crossFile', instruction: 'bump a', files: [snapshot('src/app.ts', 'export const a = 1;\n')] });
  const prompt = model.requests.map((request) => request.messages.map((message) => message.content).join('\n')).join('\n');
  assert.match(prompt, /src\/config\.ts/);
  assert.doesNotMatch(prompt, /server\.pem|BEGIN PRIVATE KEY/);
});
