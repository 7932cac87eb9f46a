import assert from 'node:assert/strict';
import { test } from 'node:test';
import { introducedPlaceholders, SecretRedactor } from '../../../src/safety/secretRedactor.ts';

/** A fixed placeholder nonce, so expected texts can be written out; the product draws it at random. */
const nonce = 'TESTNONC';

const stripeKey = 'sk_live_' + 'R4nd0mStr1pe'.repeat(2) + 'Kx9Q';
const dbPassword = 'Vq7$Lm2zPx9!';

/** A redactor that has seen a config file, as the chat would before asking for a refactor. */
function redactedConfig() {
  const redactor = new SecretRedactor({ nonce });
  const original = `export const config = {\n  stripeKey: '${stripeKey}',\n  dbPassword: "${dbPassword}",\n};\n`;
  const sent = redactor.redact(original);
  assert.equal(sent.text, `export const config = {\n  stripeKey: 'GW_REDACTED_STRIPE_KEY_1_${nonce}',\n  dbPassword: "GW_REDACTED_PASSWORD_1_${nonce}",\n};\n`);
  return { redactor, original, sent: sent.text };
}

test('a search/replace edit from the model gets the original values back on both sides', () => {
  const { redactor, original } = redactedConfig();
  const reply = [
    'src/config.ts',
    '<<<<<<< SEARCH',
    `  stripeKey: 'GW_REDACTED_STRIPE_KEY_1_${nonce}',`,
    '=======',
    `  stripeKey: process.env.STRIPE_KEY ?? 'GW_REDACTED_STRIPE_KEY_1_${nonce}',`,
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
    `const a = "GW_REDACTED_PASSWORD_1_${nonce}";`,
    `const b = 'GW_REDACTED_PASSWORD_1_${nonce}';`,
    'const c = `${prefix}' + `GW_REDACTED_PASSWORD_1_${nonce}` + '`;',
    `password = GW_REDACTED_PASSWORD_1_${nonce} # python, no quotes`,
    `{"key":"GW_REDACTED_STRIPE_KEY_1_${nonce}","again":"GW_REDACTED_STRIPE_KEY_1_${nonce}"}`,
  ].join('\n');
  const restored = redactor.restore(reply);
  assert.equal(restored.split(dbPassword).length - 1, 4);
  assert.equal(restored.split(stripeKey).length - 1, 2);
  assert.ok(!restored.includes('GW_REDACTED_'));
});

test('values with replacement patterns ($&, $1) are put back literally', () => {
  const redactor = new SecretRedactor({ nonce });
  const password = 'Ab$&9x$1Qz$$';
  const sent = redactor.redact(`DB_PASSWORD="${password}"`).text;
  assert.equal(redactor.restore(sent), `DB_PASSWORD="${password}"`);
});

test('unknown placeholder-like strings are left alone', () => {
  const { redactor } = redactedConfig();
  const reply = `GW_REDACTED_PASSWORD_2_${nonce} GW_REDACTED_AWS_ACCESS_KEY_1_${nonce} GW_REDACTED_PASSWORD_10_${nonce} gw_redacted_password_1 GW_REDACTED_`;
  assert.equal(redactor.restore(reply), reply);
  assert.equal(new SecretRedactor({ nonce }).restore(`GW_REDACTED_PASSWORD_1_${nonce}`), `GW_REDACTED_PASSWORD_1_${nonce}`);
});

test('a placeholder followed by more digits is a different placeholder', () => {
  const { redactor } = redactedConfig();
  assert.equal(redactor.restore(`GW_REDACTED_PASSWORD_12_${nonce}`), `GW_REDACTED_PASSWORD_12_${nonce}`);
  assert.equal(redactor.restore(`GW_REDACTED_PASSWORD_1_${nonce}x`), `${dbPassword}x`);
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
  assert.equal(stream.push(`ACTED_PASSWORD_1_${nonce}`), '');
  assert.equal(stream.push('";\nG'), `${dbPassword}";\n`);
  assert.equal(stream.push('ood'), 'Good');
  assert.equal(stream.flush(), '');
});

test('a placeholder written in the workspace is never restored: a file cannot forge one to pull in another file\'s secret', () => {
  const awsKey = 'AKIA' + 'Q3EGRX7VZ5KM2PLB';
  const redactor = new SecretRedactor();
  const sent = redactor.redact(`aws_access_key_id = ${awsKey}`).text;
  const issued = /GW_REDACTED_\w+/.exec(sent)![0];
  assert.notEqual(issued, 'GW_REDACTED_AWS_ACCESS_KEY_1', 'the placeholder carries the window\'s nonce');
  // A file that quotes the old, guessable form gets it back as it is.
  assert.equal(redactor.restore('const forged = "GW_REDACTED_AWS_ACCESS_KEY_1";'), 'const forged = "GW_REDACTED_AWS_ACCESS_KEY_1";');
  assert.equal(redactor.restore(`key = ${issued}`), `key = ${awsKey}`);
  // Another window's redactor (another nonce) never restores this one's placeholders.
  assert.equal(new SecretRedactor().restore(`key = ${issued}`), `key = ${issued}`);
});

test('an issued placeholder that shows up in text being sent belongs to the workspace from then on, and stays as written', () => {
  const { redactor } = redactedConfig();
  const placeholder = `GW_REDACTED_PASSWORD_1_${nonce}`;
  assert.equal(redactor.restore(placeholder), dbPassword);
  // The file now holds the placeholder literally (pasted from a log, say) and is sent again.
  redactor.redact(`const copied = "${placeholder}";`);
  assert.equal(redactor.restore(`const copied = "${placeholder}";`), `const copied = "${placeholder}";`);
});

test('a write may not add a placeholder-like string the file did not have, in any case or form', () => {
  const before = 'const fixture = "GW_REDACTED_PASSWORD_1"; // a test fixture of placeholders\n';
  assert.deepEqual(introducedPlaceholders(before, `${before}const x = 1;\n`), [], 'what the file already held is not counted');
  assert.deepEqual(introducedPlaceholders(before, `${before}const y = "gw_redacted_password_1_testnonc";\nconst z = GW_REDACTED_TOKEN_3;\n`), [
    'gw_redacted_password_1_testnonc',
    'GW_REDACTED_TOKEN_3',
  ]);
  assert.deepEqual(introducedPlaceholders(before, `${before}${before}`), ['GW_REDACTED_PASSWORD_1'], 'a second copy is an addition');
  assert.deepEqual(introducedPlaceholders('', 'nothing of the kind'), []);
});
