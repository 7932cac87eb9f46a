/**
 * The fake model server as its own process, for end-to-end tests in the real VS Code:
 *   node test/support/modelServer/main.ts --port 8787 [--ttft-ms 150] [--chunk-delay-ms 20]
 * Prints `listening <url>` once ready; scripted through /__control/script, /__control/requests
 * and /__control/reset.
 */
import { parseArgs } from 'node:util';
import { startModelServer } from './modelServer.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'ttft-ms': { type: 'string', default: '0' },
    'chunk-delay-ms': { type: 'string', default: '0' },
    text: { type: 'string' },
  },
});

const server = await startModelServer({
  port: Number(values.port),
  control: true,
  defaultReply: {
    kind: 'text',
    ttftMs: Number(values['ttft-ms']),
    chunkDelayMs: Number(values['chunk-delay-ms']),
    ...(values.text !== undefined ? { text: values.text } : {}),
  },
});
process.stdout.write(`listening ${server.url}\n`);

const stop = () => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
