import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Anthropic } from '@anthropic-ai/sdk';
import { OpenAI } from 'openai';
import { recordedToolResults, recordedTools, startModelServer } from '../../support/modelServer/modelServer.ts';

const openAi = (url: string) => new OpenAI({ apiKey: 'sk-test', baseURL: `${url}/v1`, maxRetries: 0 });
const anthropic = (url: string) => new Anthropic({ apiKey: 'ak-test', baseURL: url, maxRetries: 0 });

const readFileTool = {
  name: 'read_file',
  description: 'Reads lines of a file.',
  parameters: { type: 'object' as const, properties: { path: { type: 'string' } }, required: ['path'] },
};

test('OpenAI chat: the real SDK streams scripted tool_calls deltas, finish_reason tool_calls, and sends tool results back', async () => {
  const server = await startModelServer();
  try {
    server.script({
      kind: 'toolCalls',
      text: 'Let me look.',
      calls: [
        { name: 'read_file', arguments: { path: 'src/a.ts' } },
        { id: 'call_fixed', name: 'grep', arguments: { pattern: 'TODO' } },
      ],
      usage: { input: 20, output: 9 },
    });
    const stream = await openAi(server.url).chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'what is in a.ts?' }],
      tools: [{ type: 'function', function: readFileTool }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    const calls: Array<{ id: string; name: string; arguments: string }> = [];
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) text += choice.delta.content;
      for (const delta of choice?.delta.tool_calls ?? []) {
        const call = (calls[delta.index] ??= { id: '', name: '', arguments: '' });
        if (delta.id) call.id = delta.id;
        if (delta.function?.name) call.name = delta.function.name;
        call.arguments += delta.function?.arguments ?? '';
      }
      if (choice?.finish_reason) finish = choice.finish_reason;
    }
    assert.equal(text, 'Let me look.');
    assert.equal(finish, 'tool_calls');
    assert.deepEqual(calls, [
      { id: `call_${server.requests[0]!.id}_0`, name: 'read_file', arguments: '{"path":"src/a.ts"}' },
      { id: 'call_fixed', name: 'grep', arguments: '{"pattern":"TODO"}' },
    ]);
    assert.deepEqual(recordedTools(server.requests[0]!), [{ name: 'read_file', description: 'Reads lines of a file.', parameters: readFileTool.parameters }]);

    // The follow-up carries the results; the server records them, whatever it answers.
    const reply = await openAi(server.url).chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'what is in a.ts?' },
        { role: 'assistant', content: null, tool_calls: calls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } })) },
        { role: 'tool', tool_call_id: calls[0]!.id, content: 'export const a = 1;' },
        { role: 'tool', tool_call_id: 'call_fixed', content: 'no match' },
      ],
    });
    assert.equal(reply.choices[0]?.message.content, 'Hello from the fake model.');
    assert.deepEqual(recordedToolResults(server.requests[1]!), [
      { toolCallId: calls[0]!.id, content: 'export const a = 1;', isError: undefined },
      { toolCallId: 'call_fixed', content: 'no match', isError: undefined },
    ]);
  } finally {
    await server.close();
  }
});

test('OpenAI chat without streaming: the scripted tool calls come back as message.tool_calls', async () => {
  const server = await startModelServer();
  try {
    server.script({ kind: 'toolCalls', calls: [{ id: 'c1', name: 'find_files', arguments: { glob: '**/*.ts' } }] });
    const reply = await openAi(server.url).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    const choice = reply.choices[0]!;
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.content, null);
    assert.deepEqual(choice.message.tool_calls, [{ id: 'c1', type: 'function', function: { name: 'find_files', arguments: '{"glob":"**/*.ts"}' } }]);
  } finally {
    await server.close();
  }
});

test('Anthropic messages: the real SDK streams tool_use blocks with input_json_delta and stop_reason tool_use', async () => {
  const server = await startModelServer();
  try {
    server.script({ kind: 'toolCalls', text: 'Reading.', calls: [{ name: 'read_file', arguments: { path: 'b.py', startLine: 3 } }], usage: { input: 12, output: 5 } });
    const stream = await anthropic(server.url).messages.create({
      model: 'claude-x',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'b?' }],
      tools: [{ name: readFileTool.name, description: readFileTool.description, input_schema: readFileTool.parameters }],
      stream: true,
    });
    const types: string[] = [];
    let text = '';
    let json = '';
    let toolUse: { id: string; name: string } | undefined;
    let stopReason: string | null | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_start' && event.content_block.type === 'tool_use') toolUse = { id: event.content_block.id, name: event.content_block.name };
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') json += event.delta.partial_json;
      if (event.type === 'message_delta') stopReason = event.delta.stop_reason;
    }
    assert.equal(text, 'Reading.');
    assert.deepEqual(JSON.parse(json), { path: 'b.py', startLine: 3 });
    assert.deepEqual(toolUse, { id: `toolu_${server.requests[0]!.id}_0`, name: 'read_file' });
    assert.equal(stopReason, 'tool_use');
    assert.equal(types.filter((type) => type === 'content_block_start').length, 2);
    assert.deepEqual(recordedTools(server.requests[0]!), [{ name: 'read_file', description: 'Reads lines of a file.', parameters: readFileTool.parameters }]);

    // The SDK's own accumulator (messages.stream) assembles the same call from the deltas.
    server.script({ kind: 'toolCalls', calls: [{ id: 'toolu_1', name: 'grep', arguments: { pattern: 'a|b' } }] });
    const final = await anthropic(server.url).messages.stream({ model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] }).finalMessage();
    assert.equal(final.stop_reason, 'tool_use');
    assert.deepEqual(final.content, [{ type: 'tool_use', id: 'toolu_1', name: 'grep', input: { pattern: 'a|b' } }]);

    await anthropic(server.url).messages.create({
      model: 'claude-x',
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'grep', input: { pattern: 'a|b' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'bad pattern', is_error: true }] },
      ],
    });
    assert.deepEqual(recordedToolResults(server.requests[2]!), [{ toolCallId: 'toolu_1', content: 'bad pattern', isError: true }]);
  } finally {
    await server.close();
  }
});

test('Anthropic messages without streaming: the scripted calls come back as tool_use content', async () => {
  const server = await startModelServer();
  try {
    server.script({ kind: 'toolCalls', calls: [{ id: 't1', name: 'find_files', arguments: { glob: '*.md' } }] });
    const message = await anthropic(server.url).messages.create({ model: 'claude-x', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    assert.equal(message.stop_reason, 'tool_use');
    assert.deepEqual(message.content, [{ type: 'tool_use', id: 't1', name: 'find_files', input: { glob: '*.md' } }]);
  } finally {
    await server.close();
  }
});

test('a tool-call stream paced by chunkDelayMs can be stopped mid-way, and the server sees the abort', async () => {
  const server = await startModelServer();
  try {
    server.script({ kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'a' } }, { name: 'read_file', arguments: { path: 'b' } }], chunkDelayMs: 200 });
    const controller = new AbortController();
    const stream = await openAi(server.url).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true }, { signal: controller.signal });
    let seen = 0;
    // The SDK ends the stream quietly (or throws) when its request is aborted; either way it stops early.
    try {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.tool_calls) seen++;
        if (seen === 1) controller.abort();
      }
    } catch {
      // An abort error is fine here.
    }
    assert.equal(seen, 1);
    await server.idle();
    assert.equal(server.requests[0]!.aborted, true);
    assert.equal(server.requests[0]!.completed, false);
  } finally {
    await server.close();
  }
});
