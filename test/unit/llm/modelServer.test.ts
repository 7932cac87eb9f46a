import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { Anthropic } from '@anthropic-ai/sdk';
import { OpenAI } from 'openai';
import { startModelServer } from '../../support/modelServer/modelServer.ts';
import { deterministicVector } from '../../support/modelServer/wireFormats.ts';

const openAi = (url: string) => new OpenAI({ apiKey: 'sk-test', baseURL: `${url}/v1`, maxRetries: 0 });
const anthropic = (url: string) => new Anthropic({ apiKey: 'ak-test', baseURL: url, maxRetries: 0 });

test('OpenAI chat: the real SDK streams the scripted chunks, then a usage chunk when asked', async () => {
  const server = await startModelServer();
  try {
    server.script({ kind: 'text', chunks: ['Hel', 'lo'], usage: { input: 11, output: 2 } });
    const stream = await openAi(server.url).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let usage: unknown;
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) deltas.push(choice.delta.content);
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.deepEqual(deltas, ['Hel', 'lo']);
    assert.equal(finish, 'stop');
    assert.deepEqual(usage, { prompt_tokens: 11, completion_tokens: 2, total_tokens: 13 });

    const plain = await openAi(server.url).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(plain.choices[0]?.message.content, 'Hello from the fake model.');
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[0]?.path, '/v1/chat/completions');
    assert.equal(server.requests[0]?.headers.authorization, 'Bearer sk-test');
  } finally {
    await server.close();
  }
});

test('OpenAI chat without include_usage sends no usage chunk', async () => {
  const server = await startModelServer();
  try {
    const stream = await openAi(server.url).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true });
    let sawUsage = false;
    for await (const chunk of stream) if (chunk.usage) sawUsage = true;
    assert.equal(sawUsage, false);
  } finally {
    await server.close();
  }
});

test('Anthropic messages: the real SDK sees the full event sequence with usage', async () => {
  const server = await startModelServer();
  try {
    server.script({ kind: 'text', chunks: ['A', 'B', 'C'], usage: { input: 7, output: 3 } });
    const stream = await anthropic(server.url).messages.create({ model: 'claude-x', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }], stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (event.type === 'message_start') assert.equal(event.message.usage.input_tokens, 7);
      if (event.type === 'message_delta') assert.equal(event.usage.output_tokens, 3);
    }
    assert.equal(text, 'ABC');
    assert.deepEqual(types, ['message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);

    const message = await anthropic(server.url).messages.create({ model: 'claude-x', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    assert.deepEqual(message.content.map((block) => (block.type === 'text' ? block.text : '')), ['Hello from the fake model.']);
    assert.equal(server.requests[0]?.path, '/v1/messages');
    const headers = server.requests[0]!.headers;
    assert.ok(headers['x-api-key'] === 'ak-test' || headers.authorization === 'Bearer ak-test');
  } finally {
    await server.close();
  }
});

test('completions take prompt and suffix, streamed and not', async () => {
  const server = await startModelServer();
  try {
    server.script({ kind: 'text', chunks: ['x + ', 'y'] });
    const stream = await openAi(server.url).completions.create({ model: 'coder', prompt: 'return ', suffix: ';\n}', stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? '';
      if (chunk.usage) usage = true;
    }
    assert.equal(text, 'x + y');
    assert.equal(usage, true);
    const body = server.requests[0]?.body as { prompt: string; suffix: string };
    assert.equal(body.prompt, 'return ');
    assert.equal(body.suffix, ';\n}');

    const plain = await openAi(server.url).completions.create({ model: 'coder', prompt: 'a', suffix: 'b' });
    assert.equal(plain.choices[0]?.text, 'Hello from the fake model.');
  } finally {
    await server.close();
  }
});

test('embeddings are deterministic, honour dimensions, and come as floats or base64', async () => {
  const server = await startModelServer();
  try {
    const client = openAi(server.url);
    // The SDK asks for base64 by default and decodes it.
    const byDefault = await client.embeddings.create({ model: 'e', input: ['alpha', 'beta'], dimensions: 16 });
    assert.equal((server.requests[0]?.body as { encoding_format: string }).encoding_format, 'base64');
    const floats = await client.embeddings.create({ model: 'e', input: ['alpha', 'beta'], dimensions: 16, encoding_format: 'float' });
    assert.equal(byDefault.data.length, 2);
    assert.equal(byDefault.data[0]?.embedding.length, 16);
    const expected = Array.from(deterministicVector('alpha', 16));
    assert.deepEqual(Array.from(byDefault.data[0]!.embedding), expected);
    assert.deepEqual(floats.data[0]?.embedding, expected);
    assert.notDeepEqual(floats.data[1]?.embedding, expected);
    const models = await client.models.list();
    assert.equal(models.data[0]?.id, 'fake-model');
  } finally {
    await server.close();
  }
});

test('scripted errors use each vendor\'s error shape and carry retry-after', async () => {
  const server = await startModelServer();
  try {
    server.script({ kind: 'error', status: 429, retryAfter: 3, message: 'slow down' }, { kind: 'error', status: 401, path: '/messages' });
    await assert.rejects(openAi(server.url).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }), (error: unknown) => {
      const e = error as { status: number; headers: Headers; message: string };
      assert.equal(e.status, 429);
      assert.equal(e.headers.get('retry-after'), '3');
      assert.match(e.message, /slow down/);
      return true;
    });
    await assert.rejects(anthropic(server.url).messages.create({ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }), (error: unknown) => {
      const e = error as { status: number; type: string | null };
      assert.equal(e.status, 401);
      assert.equal(e.type, 'authentication_error');
      return true;
    });
  } finally {
    await server.close();
  }
});

test('replies match by path and model, in order; the responder computes the rest', async () => {
  const server = await startModelServer({
    responder: (request) => ({ kind: 'text', text: `echo ${(request.body as { model: string }).model}` }),
  });
  try {
    server.script({ kind: 'text', text: 'for b', model: 'b' }, { kind: 'text', text: 'first any' });
    const ask = async (model: string) =>
      (await openAi(server.url).chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] })).choices[0]?.message.content;
    assert.equal(await ask('a'), 'first any');
    assert.equal(await ask('b'), 'for b');
    assert.equal(await ask('c'), 'echo c');
  } finally {
    await server.close();
  }
});

test('a hang stays open until the client aborts, and the server records the abort', async () => {
  const server = await startModelServer();
  try {
    server.script({ kind: 'hang' });
    const controller = new AbortController();
    const pending = openAi(server.url).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, { signal: controller.signal });
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await assert.rejects(pending);
    await server.idle();
    assert.equal(server.requests[0]?.aborted, true);
    assert.equal(server.requests[0]?.completed, false);
  } finally {
    await server.close();
  }
});

test('a disconnect cuts the stream after N chunks; malformed sends broken JSON', async () => {
  const server = await startModelServer();
  try {
    server.script({ kind: 'disconnect', afterChunks: 2, chunks: ['a', 'b', 'c'] }, { kind: 'malformed', afterChunks: 1, chunks: ['x', 'y'] });
    const read = async () => {
      let text = '';
      try {
        const stream = await openAi(server.url).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true });
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        return { text, error: undefined };
      } catch (error) {
        return { text, error };
      }
    };
    const cut = await read();
    assert.equal(cut.text, 'ab');
    assert.ok(cut.error instanceof Error);
    const broken = await read();
    assert.equal(broken.text, 'x');
    assert.ok(broken.error instanceof SyntaxError);
    await server.idle();
    assert.equal(server.requests[0]?.aborted, false, 'a disconnect by the server is not a client abort');
  } finally {
    await server.close();
  }
});

test('the standalone process prints its URL and is scripted over its control routes', async () => {
  const child = spawn(process.execPath, ['test/support/modelServer/main.ts', '--port', '0', '--ttft-ms', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const match = /^listening (http:\/\/127\.0\.0\.1:\d+)\n/.exec(line.toString());
    assert.ok(match, `unexpected first line: ${line.toString()}`);
    const url = match[1]!;
    await fetch(`${url}/__control/script`, { method: 'POST', body: JSON.stringify([{ kind: 'text', text: 'scripted!' }]) });
    const answer = await openAi(url).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(answer.choices[0]?.message.content, 'scripted!');
    const recorded = (await (await fetch(`${url}/__control/requests`)).json()) as Array<{ path: string }>;
    assert.deepEqual(recorded.map((r) => r.path), ['/v1/chat/completions']);
    await fetch(`${url}/__control/reset`, { method: 'POST' });
    assert.deepEqual(await (await fetch(`${url}/__control/requests`)).json(), []);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});
