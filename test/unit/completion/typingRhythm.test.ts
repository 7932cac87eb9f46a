import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TypingRhythm } from '../../../src/completion/typingRhythm.ts';

function typed(gaps: readonly number[]): TypingRhythm {
  const rhythm = new TypingRhythm();
  let now = 1_000;
  rhythm.keystroke(now);
  for (const gap of gaps) rhythm.keystroke((now += gap));
  return rhythm;
}

test('until a few gaps are known, the floor is the debounce', () => {
  assert.equal(typed([120, 130]).debounceMs(150, 350), 150);
});

test('the debounce sits just past the 90th percentile of in-burst gaps, within floor and cap', () => {
  const gaps = Array.from({ length: 30 }, (_, i) => 70 + ((i * 37) % 100));
  const wait = typed(gaps).debounceMs(150, 350);
  const sorted = [...gaps].sort((a, b) => a - b);
  assert.equal(wait, Math.round(sorted[27]! * TypingRhythm.margin));
  assert.equal(typed(Array(20).fill(40)).debounceMs(150, 350), 150, 'a fast typist gets the floor');
  assert.equal(typed(Array(20).fill(390)).debounceMs(150, 350), 350, 'a slow one the cap');
});

test('pauses between bursts do not count as typing speed, and old gaps age out', () => {
  const rhythm = typed([...Array(20).fill(300), ...Array(5).fill(2_000), ...Array(TypingRhythm.window).fill(100)]);
  assert.equal(rhythm.debounceMs(50, 1_000), Math.round(100 * TypingRhythm.margin));
});
