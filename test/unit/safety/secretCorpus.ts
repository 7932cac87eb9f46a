/**
 * The detector corpus: secrets in code, config and prose, and look-alikes that must pass. Positives
 * are generated from the vendors' documented formats with a seeded PRNG, so no live-looking key is
 * committed and every run sees the same samples; the only literal keys are the vendors' own
 * published example values. Shared by the unit tests and bench/secrets.ts.
 */
import { seededRandom } from '../../support/seededRandom.ts';
import type { RedactionResult } from '../../../src/safety/secretRedactor.ts';

export interface CorpusSample {
  /** For positives the kind expected; for negatives the family of look-alike ('lockfile', …). */
  readonly kind: string;
  readonly text: string;
  /** The values that must not survive redaction; empty for a negative. */
  readonly secrets: readonly string[];
}

export const corpusSeed = 20261121;

const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const lower = 'abcdefghijklmnopqrstuvwxyz';
const digits = '0123456789';
const alnum = upper + lower + digits;
const hex = '0123456789abcdef';
const base64 = alnum + '+/';
const base64url = alnum + '-_';
const base32 = upper + '234567';
const passwordChars = alnum + '!%^*_-+=.~';

const createRandom = seededRandom;

export class Generator {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = createRandom(seed);
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.random() * alphabet.length)];
    return out;
  }

  uuid(): string {
    return `${this.chars(hex, 8)}-${this.chars(hex, 4)}-4${this.chars(hex, 3)}-a${this.chars(hex, 3)}-${this.chars(hex, 12)}`;
  }

  /** A password as people and generators make them: always some letters and a digit. */
  password(): string {
    return this.chars(lower, 2) + this.chars(upper, 1) + this.chars(digits, 1) + this.chars(passwordChars, this.int(6, 16));
  }
}

const b64url = (text: string) => Buffer.from(text).toString('base64url');

/** Vendor formats, from each vendor's documentation of its key shapes. */
function vendorValues(g: Generator): Record<string, () => string> {
  return {
    AWS_ACCESS_KEY: () => g.pick(['AKIA', 'ASIA']) + g.chars(base32, 16),
    GCP_API_KEY: () => 'AIza' + g.chars(base64url, 35),
    GCP_OAUTH_SECRET: () => 'GOCSPX-' + g.chars(base64url, 28),
    OPENAI_KEY: () =>
      g.pick([
        () => 'sk-proj-' + g.chars(base64url, 156),
        () => 'sk-svcacct-' + g.chars(base64url, 120),
        () => 'sk-' + g.chars(alnum, 20) + 'T3BlbkFJ' + g.chars(alnum, 20),
      ])(),
    ANTHROPIC_KEY: () => 'sk-ant-api03-' + g.chars(base64url, 93) + 'AA',
    GITHUB_TOKEN: () => g.pick([() => g.pick(['ghp_', 'gho_', 'ghs_', 'ghu_']) + g.chars(alnum, 36), () => `github_pat_${g.chars(alnum, 22)}_${g.chars(alnum, 59)}`])(),
    GITLAB_TOKEN: () => 'glpat-' + g.chars(alnum + '-_', 20),
    SLACK_TOKEN: () => `${g.pick(['xoxb', 'xoxp', 'xoxa'])}-${g.chars(digits, 12)}-${g.chars(digits, 13)}-${g.chars(alnum, 24)}`,
    STRIPE_KEY: () => g.pick(['sk_live_', 'rk_live_', 'sk_test_']) + g.chars(alnum, g.pick([24, 99])),
    TWILIO_API_KEY: () => 'SK' + g.chars(hex, 32),
    SENDGRID_KEY: () => `SG.${g.chars(base64url, 22)}.${g.chars(base64url, 43)}`,
    NPM_TOKEN: () => 'npm_' + g.chars(alnum, 36),
    HUGGINGFACE_TOKEN: () => 'hf_' + g.chars(upper + lower, 34),
    AZURE_CLIENT_SECRET: () => `${g.chars(alnum, 3)}${g.chars(digits, 1)}Q~${g.chars(alnum + '_~.-', 34)}`,
    GCP_OAUTH_TOKEN: () => 'ya29.' + g.chars(base64url, 120),
    GROQ_KEY: () => 'gsk_' + g.chars(alnum, 52),
    XAI_KEY: () => 'xai-' + g.chars(alnum, 80),
    REPLICATE_TOKEN: () => 'r8_' + g.chars(alnum, 37),
    PERPLEXITY_KEY: () => 'pplx-' + g.chars(alnum, 48),
    DATABRICKS_TOKEN: () => 'dapi' + g.chars(hex, 32),
    DIGITALOCEAN_TOKEN: () => 'dop_v1_' + g.chars(hex, 64),
    SHOPIFY_TOKEN: () => 'shpat_' + g.chars(hex, 32),
    STRIPE_WEBHOOK_SECRET: () => 'whsec_' + g.chars(alnum, 32),
    PYPI_TOKEN: () => 'pypi-AgEIcHlwaS5vcmc' + g.chars(base64url, 70),
    JWT: () =>
      `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify({ sub: g.uuid(), iat: g.int(1.6e9, 1.8e9), role: g.pick(['user', 'admin']) }))}.${g.chars(base64url, 43)}`,
  };
}

/** Contexts where only the format can give a token away: the name says nothing. */
const neutralContexts: readonly ((v: string) => string)[] = [
  (v) => `const value = "${v}";`,
  (v) => `client := sdk.New("${v}")`,
  (v) => `headers = {"X-Custom": "${v}"}`,
  (v) => `  # old one: ${v}`,
  (v) => `settings:\n  value: ${v}\n`,
  (v) => `Run it with \`${v}\` as the first argument.`,
  (v) => `new Client(\n  '${v}',\n);`,
];

interface NameStyle {
  readonly kind: string;
  readonly words: readonly string[];
}

const secretNames: readonly NameStyle[] = [
  { kind: 'PASSWORD', words: ['password'] },
  { kind: 'PASSWORD', words: ['db', 'password'] },
  { kind: 'PASSWORD', words: ['admin', 'passwd'] },
  { kind: 'PASSWORD', words: ['smtp', 'pass'] },
  { kind: 'API_KEY', words: ['api', 'key'] },
  { kind: 'API_KEY', words: ['openai', 'api', 'key'] },
  { kind: 'API_KEY', words: ['maps', 'api', 'key'] },
  { kind: 'TOKEN', words: ['access', 'token'] },
  { kind: 'TOKEN', words: ['auth', 'token'] },
  { kind: 'TOKEN', words: ['github', 'token'] },
  { kind: 'TOKEN', words: ['refresh', 'token'] },
  { kind: 'SECRET', words: ['client', 'secret'] },
  { kind: 'SECRET', words: ['jwt', 'secret'] },
  { kind: 'SECRET', words: ['secret', 'key'] },
  { kind: 'SECRET', words: ['webhook', 'secret'] },
  { kind: 'SECRET', words: ['private', 'key'] },
  { kind: 'SECRET', words: ['signing', 'key'] },
];

const camel = (words: readonly string[]) => words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
const pascal = (words: readonly string[]) => words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
const snake = (words: readonly string[]) => words.join('_');
const screaming = (words: readonly string[]) => words.join('_').toUpperCase();
const kebab = (words: readonly string[]) => words.join('-');

/** `name = value` in the syntaxes of many languages and config formats. */
const namedContexts: readonly ((words: readonly string[], v: string) => string)[] = [
  (w, v) => `const ${camel(w)} = "${v}";`,
  (w, v) => `export const config = {\n  ${camel(w)}: '${v}',\n  retries: 3,\n};`,
  (w, v) => `${screaming(w)} = "${v}"`,
  (w, v) => `client = Client(${snake(w)}="${v}", timeout=30)`,
  (w, v) => `{\n  "name": "app",\n  "${camel(w)}": "${v}"\n}`,
  (w, v) => `production:\n  ${snake(w)}: ${v}\n  pool: 5\n`,
  (w, v) => `service:\n  ${snake(w)}: "${v}"\n`,
  (w, v) => `${screaming(w)}=${v}\nPORT=8080\n`,
  (w, v) => `export ${screaming(w)}="${v}"`,
  (w, v) => `cfg := Config{\n\t${pascal(w)}: "${v}",\n}`,
  (w, v) => `private static final String ${screaming(w)} = "${v}";`,
  (w, v) => `[default]\n${snake(w)} = "${v}"\n`,
  (w, v) => `app.${kebab(w)}=${v}`,
  (w, v) => `return [\n    '${snake(w)}' => '${v}',\n];`,
  (w, v) => `$${camel(w)} = '${v}';`,
  (w, v) => `config.${snake(w)} = "${v}"`,
  (w, v) => `    environment:\n      - ${screaming(w)}=${v}\n`,
  (w, v) => `{ "${pascal(w)}": "${v}" }`,
  (w, v) => `headers: { 'X-${pascal(w.slice(-2))}': '${v}' }`,
  (w, v) => `let ${snake(w)} = String::from("${v}");`,
];

/** The vendors' own published example values (documentation, not live keys). */
const documentedExamples: readonly CorpusSample[] = [
  { kind: 'AWS_ACCESS_KEY', text: 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE', secrets: ['AKIAIOSFODNN7EXAMPLE'] },
  { kind: 'AWS_SECRET_KEY', text: 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', secrets: ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'] },
  {
    kind: 'AWS_SECRET_KEY',
    text: 'export AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
    secrets: ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  },
  {
    kind: 'AZURE_STORAGE_KEY',
    // Azurite's published development account key.
    text: 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;',
    secrets: ['Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='],
  },
  { kind: 'STRIPE_KEY', text: "const stripe = require('stripe')('sk_test_4eC39HqLyjWDarjtT1zdp7dc');", secrets: ['sk_test_4eC39HqLyjWDarjtT1zdp7dc'] },
  {
    kind: 'JWT',
    // jwt.io's example token.
    text: 'const token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";',
    secrets: ['eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'],
  },
];

function positives(g: Generator): CorpusSample[] {
  const samples: CorpusSample[] = [...documentedExamples];
  const vendors = vendorValues(g);
  for (const [kind, make] of Object.entries(vendors)) {
    for (const context of neutralContexts) {
      for (let i = 0; i < 4; i++) {
        const v = make();
        samples.push({ kind, text: context(v), secrets: [v] });
      }
    }
    // And under a name that says what it is, in a few syntaxes.
    for (let i = 0; i < 12; i++) {
      const v = make();
      const context = g.pick(namedContexts);
      samples.push({ kind, text: context(g.pick(secretNames).words, v), secrets: [v] });
    }
  }
  for (let i = 0; i < 20; i++) {
    const v = g.chars(base64, 40);
    samples.push({ kind: 'AWS_SECRET_KEY', text: g.pick([`aws_secret_access_key = ${v}`, `"SecretAccessKey": "${v}"`, `AWS_SECRET_ACCESS_KEY=${v}`]), secrets: [v] });
  }
  for (let i = 0; i < 20; i++) {
    const key = g.chars(base64, 86) + '==';
    const account = g.chars(lower + digits, 12);
    samples.push({
      kind: 'AZURE_STORAGE_KEY',
      text: `"AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=${account};AccountKey=${key};EndpointSuffix=core.windows.net"`,
      secrets: [key],
    });
  }
  for (let i = 0; i < 30; i++) {
    const path = `T${g.chars(upper + digits, 8)}/B${g.chars(upper + digits, 10)}/${g.chars(alnum, 24)}`;
    samples.push({ kind: 'SLACK_WEBHOOK', text: g.pick([`SLACK_WEBHOOK_URL=https://hooks.slack.com/services/${path}`, `webhook: "https://hooks.slack.com/services/${path}"`]), secrets: [path] });
  }
  for (let i = 0; i < 30; i++) {
    const lines = Array.from({ length: g.int(4, 20) }, () => g.chars(base64, 64));
    const label = g.pick(['RSA ', 'EC ', 'OPENSSH ', '', 'ENCRYPTED ']);
    const json = i % 2 === 0;
    const body = json ? `\\n${lines.join('\\n')}\\n` : `\n${lines.join('\n')}\n`;
    const block = `-----BEGIN ${label}PRIVATE KEY-----${body}-----END ${label}PRIVATE KEY-----`;
    samples.push({
      kind: 'PRIVATE_KEY',
      text: json ? `{\n  "type": "service_account",\n  "private_key": "${block}\\n",\n  "client_email": "bot@proj.iam.gserviceaccount.com"\n}` : `${block}\n`,
      secrets: [body],
    });
  }
  const schemes = ['postgres', 'postgresql', 'mysql', 'mongodb+srv', 'redis', 'rediss', 'amqp', 'mssql'];
  for (let i = 0; i < 60; i++) {
    const password = g.password();
    const user = g.pick(['app', 'svc_orders', 'readonly', '', 'deploy']);
    const url = `${g.pick(schemes)}://${user}:${password}@${g.pick(['db.internal', 'cluster0.ab1cd.mongodb.net', 'cache', '10.0.0.12'])}:${g.int(1000, 9999)}/app`;
    samples.push({ kind: 'URL_CREDENTIALS', text: g.pick([`DATABASE_URL=${url}`, `const url = '${url}';`, `  uri: "${url}"`]), secrets: [password] });
  }
  for (let i = 0; i < 30; i++) {
    const token = g.chars(alnum, g.int(32, 48));
    samples.push({ kind: 'BEARER_TOKEN', text: g.pick([`curl -H "Authorization: Bearer ${token}" https://api.example.com/v1/items`, `headers: { Authorization: 'Bearer ${token}' }`]), secrets: [token] });
  }
  // Generic secrets under secret-looking names.
  const genericValues: Record<string, () => string> = {
    PASSWORD: () => g.password(),
    API_KEY: () => g.pick([() => g.chars(alnum, g.int(24, 40)), () => g.chars(hex, 32), () => g.uuid()])(),
    TOKEN: () => g.pick([() => g.chars(alnum, 32), () => g.chars(hex, 40), () => g.chars(base64url, 43)])(),
    SECRET: () => g.pick([() => g.chars(base64, 44), () => g.chars(hex, 64), () => g.chars(alnum + '-_', 50)])(),
  };
  for (const name of secretNames) {
    for (const context of namedContexts) {
      const v = genericValues[name.kind]!();
      samples.push({ kind: name.kind, text: context(name.words, v), secrets: [v] });
    }
  }
  for (let i = 0; i < 10; i++) {
    const v = g.password();
    const key = g.chars(alnum, 32);
    samples.push({ kind: 'PASSWORD', text: `<connection>\n  <password>${v}</password>\n</connection>`, secrets: [v] });
    samples.push({ kind: 'API_KEY', text: `<appSettings>\n  <add key="ApiKey" value="${key}" />\n</appSettings>`, secrets: [key] });
  }
  // More syntaxes people keep secrets in.
  const moreContexts: readonly ((v: string) => string)[] = [
    (v) => `ENV API_KEY=${v}`,
    (v) => `resource "aws_db_instance" "db" {
  password = "${v}"
}`,
    (v) => `stringData:
  DB_PASSWORD: "${v}"
`,
    (v) => `    env:
      API_TOKEN: ${v}
`,
    (v) => `val apiKey = "${v}"`,
    (v) => `var clientSecret = "${v}";`,
    (v) => `let apiKey = "${v}"`,
    (v) => `// token: ${v}`,
    (v) => `export PGPASSWORD=${v}`,
    (v) => `//npm.internal.example:_authToken=${v}`,
    (v) => `const socket = new WebSocket("wss://stream.internal/feed?token=${v}&v=2");`,
    (v) => `requests.post(url, data={"password": "${v}", "user": "ops"})`,
  ];
  for (const context of moreContexts) {
    for (let i = 0; i < 4; i++) {
      const v = g.pick([() => g.password(), () => g.chars(alnum, 32), () => g.chars(hex, 40)])();
      const kind = /password|PASSWORD/.test(context('')) ? 'PASSWORD' : 'CONTEXT';
      samples.push({ kind, text: context(v), secrets: [v] });
    }
  }
  // Several secrets in one file.
  for (let i = 0; i < 20; i++) {
    const values = [vendors.OPENAI_KEY!(), g.password(), vendors.GITHUB_TOKEN!()];
    samples.push({
      kind: 'MIXED',
      text: `# .env.local\nOPENAI_API_KEY=${values[0]}\nDB_PASSWORD=${values[1]}\nGITHUB_TOKEN=${values[2]}\nLOG_LEVEL=debug\n`,
      secrets: values,
    });
  }
  return samples;
}

function negatives(g: Generator): CorpusSample[] {
  const samples: CorpusSample[] = [];
  const add = (kind: string, text: string) => samples.push({ kind, text, secrets: [] });
  for (let i = 0; i < 40; i++) {
    const name = g.pick(['lodash', 'react-dom', '@babel/core', 'typescript', 'picomatch']);
    add('lockfile', `"node_modules/${name}": {\n  "version": "4.17.21",\n  "resolved": "https://registry.npmjs.org/${name}/-/${name}-4.17.21.tgz",\n  "integrity": "sha512-${g.chars(base64, 86)}=="\n}`);
    add('lockfile', `${name}@^1.0.0:\n  version "1.0.0"\n  resolved "https://registry.yarnpkg.com/${name}/-/${name}-1.0.0.tgz#${g.chars(hex, 40)}"\n  integrity sha1-${g.chars(base64, 27)}=`);
    add('lockfile', `  /${name}@1.0.0:\n    resolution: {integrity: sha512-${g.chars(base64, 86)}==}\n    dev: true`);
    add('lockfile', `<script src="https://cdn.example.com/lib.js" integrity="sha384-${g.chars(base64, 64)}" crossorigin="anonymous"></script>`);
  }
  for (let i = 0; i < 40; i++) {
    const sha = g.chars(hex, 40);
    add('git', g.pick([`commit ${sha}\nAuthor: Dev <dev@example.com>`, `"sha": "${sha}",`, `const commitSha = '${sha}';`, `  rev: ${sha}`, `git checkout ${sha.slice(0, 12)}`]));
    add('hash', g.pick([`const digest = "${g.chars(hex, 64)}";`, `checksum: ${g.chars(hex, 64)}`, `etag: "${g.chars(hex, 32)}"`, `"nonce": "${g.chars(base64, 24)}"`, `sha256sum: ${g.chars(hex, 64)}`]));
    add('uuid', g.pick([`id: '${g.uuid()}'`, `"requestId": "${g.uuid()}",`, `const TENANT = "${g.uuid()}";`, `ProjectGuid = "{${g.uuid().toUpperCase()}}"`]));
    add('base64', g.pick([`const fixture = "${g.chars(base64, 200)}=";`, `<img src="data:image/png;base64,iVBORw0KGgo${g.chars(base64, 400)}">`, `  "icon": "data:image/svg+xml;base64,PHN2Zy${g.chars(base64, 300)}"`]));
    add('public', g.pick([
      `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${g.chars(base64, 43)} dev@laptop`,
      `-----BEGIN CERTIFICATE-----\n${g.chars(base64, 64)}\n${g.chars(base64, 64)}\n-----END CERTIFICATE-----`,
      `-----BEGIN PUBLIC KEY-----\n${g.chars(base64, 64)}\n${g.chars(base64, 64)}\n-----END PUBLIC KEY-----`,
      `pk_live_${g.chars(alnum, 24)}`,
    ]));
    add('lockfile', g.pick([
      `github.com/pkg/errors v0.9.1 h1:${g.chars(base64, 43)}=`,
      `checksum = "${g.chars(hex, 64)}"`,
      `    image: nginx@sha256:${g.chars(hex, 64)}`,
      `      - uses: actions/checkout@${g.chars(hex, 40)}`,
    ]));
    add('identifier', g.pick([
      `const id = "${g.chars(alnum, 32)}";`,
      'const authenticationTokenProviderFactory = createAuthenticationTokenProviderFactory(options);',
      'passwordResetTokenExpirationInMinutes = 30',
      'class OAuth2AuthorizationCodeGrantTokenResponseHandler extends BaseHandler {}',
      `cache_key = "${g.pick(['user', 'session', 'page'])}:${g.int(1, 999999)}"`,
    ]));
  }
  const fixed: readonly [string, string][] = [
    ['empty', "password: ''"],
    ['empty', 'const password = "";'],
    ['empty', 'API_KEY=\nSECRET_KEY=\n'],
    ['empty', '"private_key": "",'],
    ['placeholder', 'api_key: your-api-key-here'],
    ['placeholder', 'OPENAI_API_KEY=sk-...'],
    ['placeholder', 'export ANTHROPIC_API_KEY=sk-ant-...'],
    ['placeholder', 'token: "<YOUR_TOKEN>"'],
    ['placeholder', "apiKey: 'xxxxxxxxxxxxxxxxxxxxxxxx'"],
    ['placeholder', 'password: "********"'],
    ['placeholder', 'password: changeme'],
    ['placeholder', 'SECRET_KEY=replace-me-in-production'],
    ['placeholder', 'GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
    ['placeholder', 'aws_access_key_id = AKIAXXXXXXXXXXXXXXXX'],
    ['placeholder', 'SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX'],
    ['placeholder', 'DATABASE_URL=postgres://user:password@localhost:5432/mydb'],
    ['placeholder', 'mongodb://username:password@host:27017/db'],
    ['placeholder', 'amqp://guest:guest@localhost:5672/'],
    ['placeholder', 'postgres://postgres:postgres@localhost:5432/test'],
    ['placeholder', 'Authorization: Bearer <token>'],
    ['placeholder', 'password: "your_password"'],
    ['placeholder', 'client_secret = "REPLACE_ME"'],
    ['placeholder', '"apiKey": "YOUR_API_KEY"'],
    ['placeholder', 'DB_PASSWORD=example-password'],
    ['placeholder', 'jwt_secret: test-secret-do-not-use'],
    ['template', 'token: ${{ secrets.GITHUB_TOKEN }}'],
    ['template', "key: ${{ runner.os }}-node-${{ hashFiles('**/package-lock.json') }}"],
    ['template', 'password: {{ .Values.postgresql.password }}'],
    ['template', '"apiKey": "${API_KEY}"'],
    ['template', 'mysql://root:${MYSQL_ROOT_PASSWORD}@db:3306/app'],
    ['template', 'Authorization: Bearer $TOKEN'],
    ['template', 'headers: { Authorization: `Bearer ${token}` }'],
    ['template', 'password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256'],
    ['template', 'DB_PASSWORD=%DB_PASSWORD%'],
    ['reference', 'const apiKey = process.env.API_KEY;'],
    ['reference', 'api_key = os.environ["OPENAI_API_KEY"]'],
    ['reference', 'token := os.Getenv("GITHUB_TOKEN")'],
    ['reference', 'password = settings.DATABASE_PASSWORD'],
    ['reference', "apiKey: config.get('openai.apiKey'),"],
    ['reference', "secret_key = ENV['STRIPE_SECRET_KEY']"],
    ['reference', 'const token = await getAccessToken(scopes);'],
    ['reference', 'apiKey: process.env.OPENAI_API_KEY ?? "",'],
    ['reference', 'password=get_password()'],
    ['reference', 'env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db\n        key: password'],
    ['reference', 'tokenEnvVar: "GITHUB_TOKEN"'],
    ['ui', 'passwordLabel: "Password"'],
    ['ui', '<input type="password" name="password" placeholder="Enter your password">'],
    ['ui', "tokenError: 'Invalid or expired token'"],
    ['ui', 'password_hint = "At least 8 characters"'],
    ['ui', 'secretName = "groundwork.apiKey.openai"'],
    ['ui', 'tokenType: "Bearer"'],
    ['ui', 'authMethod: "oauth2"'],
    ['ui', 'tokenUrl: "https://oauth2.googleapis.com/token"'],
    ['ui', 'const passwordPattern = /^(?=.*\\d)(?=.*[a-z]).{8,}$/;'],
    ['types', 'password: string;'],
    ['types', 'apiKey?: string'],
    ['types', 'def login(username: str, password: str) -> Token:'],
    ['types', 'token: Token | undefined'],
    ['types', 'Password string `json:"password"`'],
    ['tokens', 'maxTokens: 4096'],
    ['tokens', 'const tokens = tokenizer.encode(text);'],
    ['tokens', 'tokenizer = "cl100k_base"'],
    ['tokens', 'max_tokens=1024, temperature=0.2'],
    ['misc', 'password_min_length: 8'],
    ['misc', 'token_ttl = 3600'],
    ['misc', 'password_hash = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"'],
    ['misc', '.sk-spinner-pulse { width: 40px; }'],
    ['misc', 'const AKIA_PREFIX = "AKIA";'],
    ['misc', 'auth: { user, pass },'],
    ['misc', 'if (token === undefined) return;'],
    ['misc', 'author: "Jane Doe <jane@example.com>"'],
    ['misc', 'keyboard_layout: "dvorak"'],
    ['misc', 'monkey = "patched"'],
    ['misc', 'SECRET_KEY = os.getenv("DJANGO_SECRET_KEY", "")'],
    ['misc', 'git@github.com:org/repo.git'],
    ['misc', 'https://example.com/path?token=&page=2'],
    ['misc', 'const key = "user-settings-v2";'],
    ['misc', '"tokenizer_class": "GPT2TokenizerFast",'],
    ['misc', '"auth.login.passwordPlaceholder": "Enter password",'],
    ['misc', 'api_key_header = APIKeyHeader(name="X-API-Key")'],
    ['misc', 'secret_path: "secret/data/app/prod"'],
    ['misc', 'secretName: tls-cert-prod'],
    ['misc', 'auth: "none"'],
    ['misc', 'secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf"'],
    ['misc', 'password_file = "/run/secrets/db_password"'],
    ['misc', 'token_endpoint_auth_method: client_secret_basic'],
    ['misc', 'secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>'],
    ['misc', 'const TOKEN_REGEX = /[a-z0-9]{32}/;'],
    ['misc', 'SECRET_KEY = get_random_secret_key()'],
    ['misc', 'password: Joi.string().min(8).required(),'],
    ['misc', '//registry.npmjs.org/:_authToken=${NPM_TOKEN}'],
    ['misc', 'const SECRET_HEADER = "x-goog-api-key";'],
    ['misc', 'authTokenCacheExpirationWindowMs = 300000'],
    ['misc', '-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----'],
    ['misc', 'SLACK_BOT_TOKEN=xoxb-your-token'],
    ['misc', 'const csrfToken = document.querySelector(\'meta[name="csrf-token"]\').content;'],
    ['misc', 'grant_type: "authorization_code"'],
    ['misc', 'accessTokenKey: "gw.accessToken"'],
    ['misc', 'password: str = Field(..., min_length=8)'],
    ['misc', "if (password !== confirmPassword) throw new Error('mismatch');"],
    ['misc', 'self.token = token'],
    ['misc', 'token: ${{ github.token }}'],
    ['misc', 'PASSWORD_SALT_ROUNDS = 12'],
    ['misc', 'authorization: "Bearer " + accessToken'],
    ['code', 'const tokenKind = SyntaxKind.Identifier;'],
    ['code', "if (token.type === 'punctuation') continue;"],
    ['code', 'this.apiKey = apiKey;'],
    ['code', 'return { apiKey: apiKey, baseUrl };'],
    ['code', 'password: hashedPassword,'],
    ['code', "auth: { type: 'bearer', token },"],
    ['code', '<Row key={item.id} item={item} />'],
    ['code', 'secretOrKey: config.jwtSecret,'],
    ['code', 'primaryKey: true,'],
    ['code', "foreignKey: 'user_id',"],
    ['code', 'sortKey: "createdAt",'],
    ['code', 'auth_required: true'],
    ['code', 'AUTH_TYPE_OAUTH = "oauth_authorization_code_flow"'],
    ['code', 'TOKEN_EXPIRED = "token_expired_error_code_v2"'],
    ['code', '"password_reset_success": "Votre mot de passe a été réinitialisé",'],
    ['code', 'var e=t.token,n=t.secret;'],
    ['code', 'Token string `json:"token"`'],
    ['code', 'api_key: Optional[str] = None'],
    ['code', 'let token = Token::new(TokenKind::Ident, span);'],
    ['code', 'password VARCHAR(255) NOT NULL,'],
    ['code', '"@auth/core": "^0.34.2",'],
    ['code', '"keywords": ["auth", "token", "jwt"],'],
    ['code', 'password: *db_password'],
    ['code', 'password = ENV.fetch("DB_PASSWORD") { nil }'],
    ['code', '  --auth-color: #ff00aa;'],
    ['code', 'const KEY_ENTER = 13;'],
    ['code', 'apiKeyRequired: false,'],
    ['code', "partitionKey: '/tenantId',"],
    ['code', 'tokens_per_minute: 90000'],
    ['code', 'export const AUTH_COOKIE = "__Host-session";'],
    ['code', 'const secretsManager = new SecretsManagerClient({ region });'],
    ['code', 'password_confirmation: params[:password_confirmation]'],
    ['code', 'if token == "" { return ErrNoToken }'],
    ['code', 'credentials: "include",'],
    ['code', "credentials: 'same-origin',"],
    ['code', "withCredentials: true,"],
  ];
  for (const [kind, text] of fixed) add(kind, text);
  return samples;
}

export function buildSecretCorpus(seed = corpusSeed): CorpusSample[] {
  const g = new Generator(seed);
  return [...positives(g), ...negatives(g)];
}

export interface KindScore {
  readonly samples: number;
  readonly secrets: number;
  readonly found: number;
  /** Redactions that hid nothing expected: on negatives, or extra ones on positives. */
  readonly falsePositives: number;
}

export interface CorpusScore {
  readonly precision: number;
  readonly recall: number;
  readonly byKind: ReadonlyMap<string, KindScore>;
  /** The samples that went wrong, for debugging a regression. */
  readonly misses: readonly CorpusSample[];
  readonly falseAlarms: readonly { readonly sample: CorpusSample; readonly redacted: string }[];
}

const occurrences = (text: string, value: string) => (value ? text.split(value).length - 1 : 0);

/** True when no run of 10 characters (or the whole value, if shorter) of `secret` survives in `text`. */
function fullyHidden(text: string, secret: string): boolean {
  const window = Math.min(10, secret.length);
  for (let i = 0; i + window <= secret.length; i++) {
    if (text.includes(secret.slice(i, i + window))) return false;
  }
  return true;
}

/** Scores a redactor on the corpus: a secret counts as found when no part of it survives. */
export function scoreCorpus(samples: readonly CorpusSample[], redact: (text: string) => RedactionResult): CorpusScore {
  const byKind = new Map<string, { samples: number; secrets: number; found: number; falsePositives: number }>();
  let truePositives = 0;
  let falsePositives = 0;
  let secrets = 0;
  let found = 0;
  const misses: CorpusSample[] = [];
  const falseAlarms: { sample: CorpusSample; redacted: string }[] = [];
  for (const sample of samples) {
    const result = redact(sample.text);
    let expectedHits = 0;
    let sampleFound = 0;
    for (const secret of sample.secrets) {
      if (fullyHidden(result.text, secret)) {
        sampleFound++;
        expectedHits += occurrences(sample.text, secret);
      }
    }
    const extra = Math.max(0, result.count - expectedHits);
    const score = byKind.get(sample.kind) ?? { samples: 0, secrets: 0, found: 0, falsePositives: 0 };
    score.samples++;
    score.secrets += sample.secrets.length;
    score.found += sampleFound;
    score.falsePositives += extra;
    byKind.set(sample.kind, score);
    secrets += sample.secrets.length;
    found += sampleFound;
    truePositives += result.count - extra;
    falsePositives += extra;
    if (sampleFound < sample.secrets.length) misses.push(sample);
    if (extra > 0) falseAlarms.push({ sample, redacted: result.text });
  }
  return {
    precision: truePositives + falsePositives === 0 ? 1 : truePositives / (truePositives + falsePositives),
    recall: secrets === 0 ? 1 : found / secrets,
    byKind,
    misses,
    falseAlarms,
  };
}
