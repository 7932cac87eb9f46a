import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findSecrets } from '../../../src/safety/secretDetectors.ts';
import { SecretRedactor } from '../../../src/safety/secretRedactor.ts';
import { seededRandom } from '../../support/seededRandom.ts';
import { scoreCorpus } from './secretCorpus.ts';
import { buildVendorCorpus } from './vendorCorpus.ts';

// Values are made at run time from the documented shapes, so no live-looking key sits in the source.
const random = seededRandom(4242);
const chars = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const hex = '0123456789abcdef';
const b64 = alnum + '+/';
const b64url = alnum + '-_';
const upperAlnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function redact(text: string) {
  return new SecretRedactor({ nonce: 'TESTNONC' }).redact(text);
}

/** True when no run of 8 characters of `secret` is left in the redacted text. */
function hidden(text: string, secret: string): boolean {
  const redacted = redact(text).text;
  for (let i = 0; i + 8 <= secret.length; i++) if (redacted.includes(secret.slice(i, i + 8))) return false;
  return true;
}

test('the vendor families the issue names are found, with or without a telling name', () => {
  const uuid = `${chars(hex, 8)}-${chars(hex, 4)}-4${chars(hex, 3)}-a${chars(hex, 3)}-${chars(hex, 12)}`;
  const cases: readonly [string, string][] = [
    ['hvs.' + chars(b64url, 95), 'VAULT_TOKEN'],
    ['s.' + 'Qm7' + chars(alnum, 18) + 'x4Z', 'VAULT_TOKEN'],
    ['glc_' + chars(b64, 56) + '==', 'GRAFANA_TOKEN'],
    [`glsa_${chars(alnum, 32)}_${chars(hex, 8)}`, 'GRAFANA_TOKEN'],
    ['fo1_' + chars(b64url, 43), 'FLYIO_TOKEN'],
    ['fm1r_' + chars(b64, 140), 'FLYIO_TOKEN'],
    ['ops_eyJ' + chars(b64, 260), 'ONEPASSWORD_TOKEN'],
    [`A3-${chars(upperAlnum, 6)}-${chars(upperAlnum, 11)}-${chars(upperAlnum, 5)}-${chars(upperAlnum, 5)}-${chars(upperAlnum, 5)}`, 'ONEPASSWORD_TOKEN'],
    ['EAAC' + chars(alnum, 150), 'FACEBOOK_TOKEN'],
    ['EZAK' + chars(alnum, 54), 'EASYPOST_KEY'],
    ['EZTK' + chars(alnum, 54), 'EASYPOST_KEY'],
    ['HRKU-AA' + chars(b64url, 58), 'HEROKU_KEY'],
    ['sntryu_' + chars(hex, 64), 'SENTRY_TOKEN'],
    ['pscale_tkn_' + chars(b64url, 43), 'PLANETSCALE_TOKEN'],
    [`v1.0-${chars(hex, 24)}-${chars(hex, 146)}`, 'CLOUDFLARE_ORIGIN_CA_KEY'],
    ['api_org_' + chars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 34), 'HUGGINGFACE_TOKEN'],
    ['glptt-' + chars(hex, 40), 'GITLAB_TOKEN'],
    ['glrt-' + chars(b64url, 20), 'GITLAB_TOKEN'],
    ['gldt-' + chars(b64url, 20), 'GITLAB_TOKEN'],
    [`FLWSECK_TEST-${chars(hex, 32)}-X`, 'FLUTTERWAVE_KEY'],
    ['test_pub_' + chars(hex, 31), 'LOB_KEY'],
    ['shippo_test_' + chars(hex, 40), 'SHIPPO_TOKEN'],
  ];
  for (const [token, kind] of cases) {
    const text = `client := sdk.New("${token}")`;
    const found = findSecrets(text);
    assert.equal(found.length, 1, text);
    assert.equal(text.slice(found[0]!.start, found[0]!.end), token, text);
    assert.equal(found[0]!.kind, kind, text);
  }
  assert.ok(hidden(`HEROKU_API_KEY=${uuid}`, uuid));
});

test('names the issue lists announce a secret: vendor keys, and any ENV-style …_KEY', () => {
  const key = chars(alnum, 30);
  for (const text of [`HEROKU_KEY=${key}`, `MAILCHIMP_KEY="${chars(hex, 32)}-us6"`, `const alibabaKey = "${key}";`, `ACME_KEY=${key}`, `asana_client_id: "${chars('0123456789', 16)}"`]) {
    assert.equal(redact(text).count, 1, text);
  }
  assert.ok(hidden(`MAPBOX_API_KEY=pk.eyJ1Ijoi${chars(b64url, 40)}.${chars(b64url, 22)}`, 'eyJ1Ijoi'));
  // An unquoted dotted value on a .env line is a literal, not a member access.
  const dotted = `${chars(alnum, 12)}.${chars(alnum, 20)}`;
  assert.ok(hidden(`SERVICE_TOKEN=${dotted}`, dotted));
});

test('secrets passed as arguments, to constructors, or set into the environment', () => {
  const value = chars(alnum, 28);
  const texts = [
    `os.Setenv("STRIPE_TOKEN", "${value}")`,
    `process.env.STRIPE_TOKEN = "${value}";`,
    `Environment.SetEnvironmentVariable("PAYMENTS_API_KEY", "${value}");`,
    `var credential = new NetworkCredential("svc-reports", "${value}");`,
    `auth = HTTPBasicAuth("ops", "${value}")`,
    `session.auth = ("admin", "${value}")`,
    `client.setApiKey("${value}");`,
  ];
  for (const text of texts) assert.ok(hidden(text, value), text);
  const accessKey = 'AKIA' + chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16);
  const secretKey = chars(b64, 40);
  assert.ok(hidden(`new BasicAWSCredentials("${accessKey}", "${secretKey}")`, secretKey));
});

test('named values in the declarations of many languages and tools', () => {
  const value = 'Qz7kL2mX9vB4nR8tW1yP5sD3';
  const texts = [
    `const apiKey: string = "${value}";`,
    `const API_KEY: &str = "${value}";`,
    `var apiKey string = "${value}"`,
    `API_KEY ?= ${value}`,
    `#define API_KEY "${value}"`,
    `const apiKey = process.env.API_KEY || "${value}";`,
    `docker run -e API_TOKEN=${value} app`,
    `variable "api_key" {\n  default = "${value}"\n}`,
    `<string name="api_key">${value}</string>`,
    `machine api.heroku.com\n  login me@example.org\n  password ${value}`,
    `mysql -uroot -p${value} shop`,
    `new Stripe("${value}")`,
    `jwt.sign(payload, "${value}")`,
    'env:\n  - name: API_TOKEN\n    value: "' + value + '"',
  ];
  for (const text of texts) assert.ok(hidden(text, value), text);
});

test('curl -u / --user, URL user:password pairs and Kubernetes Secret data are hidden whole', () => {
  const password = 'Tq8' + chars(alnum, 14) + '!';
  assert.ok(hidden(`curl -u deploy:${password} https://ci.internal/api/json`, password));
  assert.ok(hidden(`curl -sS --user "deploy:${password}" -X POST https://registry.internal/v2/token`, password));
  assert.ok(hidden(`curl -X GET \\\n  --user=deploy:${password} \\\n  https://nexus.internal/status`, password));
  const url = redact(`git clone https://deploy-bot-account:${password}@git.internal/org/repo.git`).text;
  assert.equal(url, 'git clone https://GW_REDACTED_URL_CREDENTIALS_1_TESTNONC@git.internal/org/repo.git');
  const data = Buffer.from(chars(alnum, 24)).toString('base64');
  const other = Buffer.from(chars(alnum, 16)).toString('base64');
  const manifest = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  api-key: ${data}\n  username: ${other}\n`;
  assert.ok(hidden(manifest, data) && hidden(manifest, other), redact(manifest).text);
});

test('look-alikes from real repositories stay as they are', () => {
  const untouched = [
    "assert.throws(() => new URL('http://user:invalid@'), TypeError);",
    `"Postman-Token": "${chars(hex, 8)}-${chars(hex, 4)}-4${chars(hex, 3)}-a${chars(hex, 3)}-${chars(hex, 12)}",`,
    `"confirmationToken": "${Buffer.from(JSON.stringify({ page: 3, size: 50 })).toString('base64url')}"`,
    `const hashedPassword = "${chars(hex, 64)}";`,
    `docsearch({\n  appId: 'BH4D9OD16A',\n  apiKey: '${chars(hex, 32)}',\n  indexName: 'docs',\n});`,
    `createToken('NUMERICIDENTIFIER', '0|[1-9]\\\\d*');`,
    'exports.NtlmCredentialHandler = ntlm_1.NtlmCredentialHandler;',
    'const c0 = ["impl", "more", "pass", " ha", ".from"];',
    "localStorage.setItem('token', 'jwt_abc123');",
    'sort -u keys.txt',
    'docker run -u 1000:1000 node:20 npm test',
  ];
  for (const text of untouched) assert.equal(redact(text).text, text, text);
});

test('vendor corpus: recall and precision hold on the development and the held-out part', () => {
  for (const part of ['dev', 'heldout'] as const) {
    const score = scoreCorpus(buildVendorCorpus(part), (text) => new SecretRedactor().redact(text));
    assert.ok(score.recall >= 0.95, `${part} recall ${score.recall}; misses: ${score.misses.map((m) => m.text).join(' | ')}`);
    assert.ok(score.precision >= 0.99, `${part} precision ${score.precision}; false alarms: ${score.falseAlarms.map((a) => a.redacted).join(' | ')}`);
    for (const [family, familyScore] of score.byKind) {
      if (familyScore.secrets >= 5) assert.ok(familyScore.found / familyScore.secrets >= 0.9, `${part} ${family} recall ${familyScore.found}/${familyScore.secrets}`);
    }
  }
});

test('hostile text costs linear time: long runs of spaces, flags and names without values', () => {
  // Quadratic backtracking would take seconds on each of these; linear scanning takes milliseconds.
  const texts = ['password' + ' '.repeat(80_000) + '\n', 'curl ' + '-u a:b '.repeat(20_000), 'secret:'.repeat(40_000), 'token("' + '\\"'.repeat(40_000)];
  for (const text of texts) {
    const started = performance.now();
    findSecrets(text);
    assert.ok(performance.now() - started < 1000, `${text.slice(0, 20)}… took ${(performance.now() - started).toFixed(0)} ms`);
  }
});
