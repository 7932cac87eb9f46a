import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SecretRedactor } from '../../../src/safety/secretRedactor.ts';

const stripeKey = 'sk_live_' + 'R4nd0mStr1pe'.repeat(2) + 'Kx9Q';
const dbPassword = 'Vq7$Lm2zPx9!';

/** A redactor that has seen a config file, as the chat would before asking for a refactor. */
function redactedConfig() {
  const redactor = new SecretRedactor();
  const original = `export const config = {\n  stripeKey: '${stripeKey}',\n  dbPassword: "${dbPassword}",\n};\n`;
  const sent = redactor.redact(original);
  assert.equal(sent.text, "export const config = {\n  stripeKey: 'GW_REDACTED_STRIPE_KEY_1',\n  dbPassword: \"GW_REDACTED_PASSWORD_1\",\n};\n");
  return { redactor, original, sent: sent.text };
}

test('a search/replace edit from the model gets the original values back on both sides', () => {
  const { redactor, original } = redactedConfig();
  const reply = [
    'src/config.ts',
    '<<<<<<< SEARCH',
    "  stripeKey: 'GW_REDACTED_STRIPE_KEY_1',",
    '=======',
    "  stripeKey: process.env.STRIPE_KEY ?? 'GW_REDACTED_STRIPE_KEY_1',",
    '>>>>>>> REPLACE',
  ].join('\n');
  const restored = redactor.restore(reply);
  const search = restored.split('\n')[2]!;
  // The search side must match the user's real file, or the edit would not apply.
  assert.ok(original.includes(search), search);
  assert.ok(restored.includes(`process.env.STRIPE_KEY ?? '${stripeKey}',`));
  assert.ok(!restored.includes('GW_REDACTED_'));
});

test('placeholders are restored in any quoting, repeated, and inside identifiers-adjacent text', () => {
  const { redactor } = redactedConfig();
  const reply = [
    'const a = "GW_REDACTED_PASSWORD_1";',
    "const b = 'GW_REDACTED_PASSWORD_1';",
    'const c = `${prefix}GW_REDACTED_PASSWORD_1`;',
    'password = GW_REDACTED_PASSWORD_1 # python, no quotes',
    '{"key":"GW_REDACTED_STRIPE_KEY_1","again":"GW_REDACTED_STRIPE_KEY_1"}',
  ].join('\n');
  const restored = redactor.restore(reply);
  assert.equal(restored.split(dbPassword).length - 1, 4);
  assert.equal(restored.split(stripeKey).length - 1, 2);
  assert.ok(!restored.includes('GW_REDACTED_'));
});

test('values with replacement patterns ($&, $1) are put back literally', () => {
  const redactor = new SecretRedactor();
  const password = 'Ab$&9x$1Qz$$';
  const sent = redactor.redact(`DB_PASSWORD="${password}"`).text;
  assert.equal(redactor.restore(sent), `DB_PASSWORD="${password}"`);
});

test('unknown placeholder-like strings are left alone', () => {
  const { redactor } = redactedConfig();
  const reply = 'GW_REDACTED_PASSWORD_2 GW_REDACTED_AWS_ACCESS_KEY_1 GW_REDACTED_PASSWORD_10 gw_redacted_password_1 GW_REDACTED_';
  assert.equal(redactor.restore(reply), reply);
  assert.equal(new SecretRedactor().restore('GW_REDACTED_PASSWORD_1'), 'GW_REDACTED_PASSWORD_1');
});

test('a placeholder followed by more digits is a different placeholder', () => {
  const { redactor } = redactedConfig();
  assert.equal(redactor.restore('GW_REDACTED_PASSWORD_12'), 'GW_REDACTED_PASSWORD_12');
  assert.equal(redactor.restore('GW_REDACTED_PASSWORD_1x'), `${dbPassword}x`);
});

test('a streamed reply is restored even when a placeholder is split across deltas', () => {
  const { redactor, sent } = redactedConfig();
  const reply = `Here is the file:\n${sent}Done.`;
  for (const size of [1, 2, 3, 5, 7, 11, 64]) {
    const stream = redactor.createRestoreStream();
    let out = '';
    for (let i = 0; i < reply.length; i += size) out += stream.push(reply.slice(i, i + size));
    out += stream.flush();
    assert.equal(out, redactor.restore(reply), `chunk size ${size}`);
    assert.ok(out.includes(stripeKey) && out.includes(dbPassword));
  }
});

test('a stream holds back only what could still become a placeholder', () => {
  const { redactor } = redactedConfig();
  const stream = redactor.createRestoreStream();
  assert.equal(stream.push('const x = "GW_RED'), 'const x = "');
  assert.equal(stream.push('ACTED_PASSWORD_1'), '');
  assert.equal(stream.push('";\nG'), `${dbPassword}";\n`);
  assert.equal(stream.push('ood'), 'Good');
  assert.equal(stream.flush(), '');
});

test('placeholders left after restore are reported, so a refactor can refuse to write them', () => {
  const { redactor } = redactedConfig();
  assert.deepEqual(redactor.leftoverPlaceholders('a = "GW_REDACTED_PASSWORD_1"; b = "GW_REDACTED_STRIPE_KEY_1"'), []);
  assert.deepEqual(redactor.leftoverPlaceholders('a = "GW_REDACTED_PASSWORD_1"; b = "gw_redacted_password_1"; c = GW_REDACTED_TOKEN_3'), [
    'gw_redacted_password_1',
    'GW_REDACTED_TOKEN_3',
  ]);
});
