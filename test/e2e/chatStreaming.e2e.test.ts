import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Workbench } from './harness.ts';
import { ModelServerProcess } from './modelServerProcess.ts';

// A very long streamed answer must not freeze the chat panel: while 20,000 lines arrive, a probe
// inside the webview frame measures how long its event loop is kept busy, and Stop stays usable.
const lineCount = 20_000;
const linesPerChunk = 10;
/** The probe runs until this line is on screen: most of the answer, with room left so Stop still has a stream to end on a loaded machine. */
const targetLine = 12_000;

/** 20,000 lines (768,000 characters): paragraphs with bold words and 400-line code blocks. */
function longAnswer(): string[] {
  const lines: string[] = [];
  for (let n = 1; n <= lineCount; n++) {
    if (n % 2000 === 1000) lines.push('```ts');
    else if (n % 2000 === 1400) lines.push('```');
    else if (n > 1000 && n % 2000 > 1000 && n % 2000 < 1400) lines.push(`const line${n} = total(${n}) + 1; // row`);
    else if (n % 10 === 0) lines.push('');
    else lines.push(`Line ${n}: the ledger sums **each** row.`);
  }
  const chunks: string[] = [];
  for (let i = 0; i < lines.length; i += linesPerChunk) chunks.push(`${lines.slice(i, i + linesPerChunk).join('\n')}\n`);
  return chunks;
}

let server: ModelServerProcess;
let workbench: Workbench;

before(async () => {
  server = await ModelServerProcess.start(['--text', 'unused']);
  workbench = await Workbench.open({
    fixture: 'sample-workspace',
    settings: { 'groundwork.openai.baseUrl': `${server.url}/v1` },
    env: { OPENAI_API_KEY: 'sk-e2e-chat' },
  });
  await workbench.waitForStatus(/^(?!.*Set up).*Groundwork/);
  await workbench.waitForIndexReady();
});

after(async () => {
  await workbench?.close();
  await server?.stop();
});

interface Probe {
  readonly gaps: number;
  readonly maxGapMs: number;
  readonly medianGapMs: number;
  readonly lastLine: number;
  readonly slow: readonly string[];
}

test('a 20,000-line streamed answer leaves the panel responsive and Stop clickable', { timeout: 600_000 }, async () => {
  await server.reset();
  const chunks = longAnswer();
  assert.ok(chunks.join('').length > 400_000);
  await server.script({ kind: 'text', chunks, ttftMs: 200, chunkDelayMs: 5 });
  const frame = await workbench.askChat('Print the whole ledger');
  const stop = frame.getByRole('button', { name: 'Stop' });
  await stop.waitFor({ state: 'visible', timeout: 30_000 });
  const log = frame.getByRole('log', { name: 'Conversation' });
  await log.locator('article.streaming').getByText('Line 1:', { exact: false }).waitFor({ timeout: 60_000 });

  // Runs in the webview: a setTimeout(0) loop records the gaps between its turns until the
  // rendered answer holds most of the text (a gap is how long anything else waited).
  const probe: Probe = await log.evaluate(
    (logElement, target) =>
      new Promise<Probe>((resolve) => {
        const gaps: number[] = [];
        let last = performance.now();
        let lastLine = 0;
        const slow: { ms: number; line: number }[] = [];
        const tick = () => {
          const now = performance.now();
          gaps.push(now - last);
          if (now - last > 50) slow.push({ ms: Math.round(now - last), line: lastLine });
          last = now;
          if (gaps.length % 20 === 0) {
            // Only the newest rendered block is read: reading the whole answer would itself block.
            const streaming = logElement.querySelector('article.streaming .message-body');
            const newest = streaming?.lastElementChild?.previousElementSibling?.textContent ?? '';
            lastLine = Math.max(lastLine, ...[...newest.matchAll(/Line (\d+):/g)].map((match) => Number(match[1])));
            if (!streaming || lastLine >= target) {
              const sorted = [...gaps].sort((a, b) => a - b);
              resolve({ gaps: gaps.length, maxGapMs: sorted.at(-1) ?? 0, medianGapMs: sorted[Math.floor(sorted.length / 2)] ?? 0, lastLine, slow: slow.sort((a, b) => b.ms - a.ms).slice(0, 10).map((gap) => `${gap.ms} ms near line ${gap.line}`) });
              return;
            }
          }
          setTimeout(tick, 0);
        };
        setTimeout(tick, 0);
      }),
    targetLine,
  );
  console.log(`chat streaming probe: ${probe.gaps} turns, median gap ${probe.medianGapMs.toFixed(1)} ms, max gap ${probe.maxGapMs.toFixed(1)} ms, up to line ${probe.lastLine}; longest gaps over 50 ms: ${probe.slow.join(', ') || 'none'}`);
  assert.ok(probe.lastLine >= targetLine, 'the answer was still streaming when the probe ended');
  // The target is 100 ms; the figure is printed above and recorded in the README. The
  // assertion is looser, so a busy CI machine does not fail it, yet a panel that re-renders the
  // whole answer (1.6 s blocks before this change) still does.
  assert.ok(probe.maxGapMs < 500, `the panel's event loop was blocked for ${probe.maxGapMs.toFixed(0)} ms`);

  // The composer answers while the stream runs, and Stop ends it.
  const typedAt = Date.now();
  await frame.getByRole('textbox', { name: 'Ask Groundwork' }).fill('next question');
  const typingMs = Date.now() - typedAt;
  await stop.click({ timeout: 5_000 });
  await stop.waitFor({ state: 'hidden', timeout: 10_000 });
  await log.getByText('Stopped.').waitFor({ timeout: 10_000 });
  assert.ok(typingMs < 2_000, `typing in the composer took ${typingMs} ms during the stream`);
});
