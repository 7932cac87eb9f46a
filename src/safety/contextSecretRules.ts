import { shannonEntropy } from './entropy.ts';
import { entropyFloors, looksLikePlaceholder, madeOfWords, vendorValue } from './secretNames.ts';

/** A format that needs context around the secret, or whose secret is only part of the match. */
export interface ContextRule {
  readonly kind: string;
  /** Global with the `d` flag; starts with a literal where it can, which keeps the scan fast. */
  readonly pattern: RegExp;
  /** The capture group holding the secret. */
  readonly group: number;
  /** A capture group (inside a lookbehind) where the secret starts, when the scan keys on its middle. */
  readonly startGroup?: number;
  /** Vendor formats beat the URL rule, which beats the generic "name = value" rule, on overlap. */
  readonly priority: number;
  /** A literal every match contains: a text without it is skipped at the cost of one `includes`. */
  readonly requires?: string;
  readonly accept: (value: string, match: RegExpExecArray, text: string) => boolean;
}

const weakUrlPasswords = new Set(['password', 'pass', 'passwd', 'pwd', 'secret', 'guest', 'admin', 'root', 'changeme', 'postgres', 'mysql', 'redis', 'user', 'test', 'example']);

/** RFC 2606 documentation hosts: credentials in their URLs are examples. */
const documentationHost = /^(?:[\w-]+\.)*example\.(?:com|org|net)\b/i;

function weakPassword(password: string, user: string): boolean {
  if (password.length < 4 || password === user || weakUrlPasswords.has(password.toLowerCase())) return true;
  if (/^(key|pass|pw|pwd|secret|token|test|demo)[_-]?\d{0,6}$/i.test(password)) return true;
  // A lower-case word (`:invalid@` in a URL parser's tests) is a word, not a password.
  if (/^[a-z]{1,12}$/.test(password)) return true;
  return /^[$%{]/.test(password) || looksLikePlaceholder(password) || /^\*+$/.test(password);
}

function urlCredentials(_value: string, match: RegExpExecArray, text: string): boolean {
  const user = match[2] ?? '';
  const password = match[3] ?? '';
  const after = match.index + match[0].length;
  if (documentationHost.test(text.slice(after, after + 80))) return false;
  return !weakPassword(password, user) && !looksLikePlaceholder(user) && !/^[$%{]/.test(user);
}

/** A user part that is itself a key: Sentry DSNs, `https://<token>@host` clones. */
function tokenUser(value: string, match: RegExpExecArray, text: string): boolean {
  const after = match.index + match[0].length;
  if (documentationHost.test(text.slice(after, after + 80)) || madeOfWords(value) || !/\d/.test(value) || !/[a-z]/i.test(value)) return false;
  return vendorValue(value) && shannonEntropy(value) >= (/^[0-9a-f]+$/.test(value) ? entropyFloors.hex : 3.6);
}

/** Where the line holding `index` starts, looking back at most `limit` characters (a text without newlines must not cost a scan per match). */
export function lineStartWithin(text: string, index: number, limit: number): number {
  const from = Math.max(0, index - limit);
  return from + text.slice(from, index).lastIndexOf('\n') + 1;
}

/** `curl -u user:password`: the pair goes, unless it is a template or an example. */
function curlUser(value: string, match: RegExpExecArray, text: string): boolean {
  const lineStart = lineStartWithin(text, match.index, 600);
  // A command continued over lines with `\` still counts as one command.
  const command = text.slice(Math.max(0, lineStart - 400), match.index);
  if (!/\bcurl\b/.test(text.slice(lineStart, match.index)) && !/\bcurl\b[^\n]*\\\r?\n(?:[^\n]*\\\r?\n)*[^\n]*$/.test(command)) return false;
  const colon = value.indexOf(':');
  const user = value.slice(0, colon);
  const password = value.slice(colon + 1);
  if (/\$[{(\w]|%\w+%|\{\{/.test(value) || looksLikePlaceholder(value)) return false;
  if (password === '') return user.length >= 16 && vendorValue(user);
  return !weakPassword(password, user);
}

function randomEnough(value: string): boolean {
  return !looksLikePlaceholder(value) && !madeOfWords(value) && shannonEntropy(value) >= entropyFloors.random;
}

const pemBody = (value: string) => (value.replace(/\\[nr]|\s/g, '').match(/[A-Za-z0-9+/=]/g)?.length ?? 0) >= 40 && vendorValue(value);

export const contextRules: readonly ContextRule[] = [
  {
    kind: 'AWS_SECRET_KEY',
    pattern: /secret_?(?:access_?)?key["']?[ \t]*(?:=>|[:=])[ \t]*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=_-])/dgi,
    group: 1,
    priority: 2,
    accept: vendorValue,
  },
  {
    kind: 'AWS_SECRET_KEY',
    // A secret key passed right after its access key id, as in `new BasicAWSCredentials("AKIA…", "…")`.
    pattern: /(?:AKIA|ASIA)[A-Z0-9]{16}["'`][^"'`\n]{0,80}?["'`]([A-Za-z0-9/+]{40})["'`]/dg,
    group: 1,
    priority: 2,
    accept: (value) => vendorValue(value) && /[a-z]/.test(value) && /[A-Z0-9]/.test(value) && shannonEntropy(value) >= 4,
  },
  { kind: 'GCP_PRIVATE_KEY_ID', requires: 'private_key_id', pattern: /"private_key_id"\s*:\s*"([a-f0-9]{40})"/dg, group: 1, priority: 2, accept: vendorValue },
  { kind: 'AZURE_STORAGE_KEY', requires: 'Key', pattern: /(?:AccountKey|SharedAccessKey)\s*=\s*([A-Za-z0-9+/]{40,86}={0,2})/dg, group: 1, priority: 2, accept: vendorValue },
  { kind: 'AZURE_SAS_SIGNATURE', requires: 'sig=', pattern: /[?&;]sig=([A-Za-z0-9%+/]{40,}(?:%3D|=){0,2})/dg, group: 1, priority: 2, accept: vendorValue },
  {
    kind: 'AZURE_CLIENT_SECRET', requires: 'Q~',
    // Entra ID client secrets: three characters, a digit, then `Q~`. The scan keys on `Q~`.
    pattern: /(?<=(?<![A-Za-z0-9_~.+/-])([A-Za-z0-9_~.]{3}\d))Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/dg,
    group: 0,
    startGroup: 1,
    priority: 2,
    accept: vendorValue,
  },
  {
    kind: 'MAILCHIMP_KEY', requires: '-us',
    pattern: /(?<=(?<![A-Za-z0-9_-])([0-9a-f]{32}))-us\d{1,2}(?![A-Za-z0-9_-])/dg,
    group: 0,
    startGroup: 1,
    priority: 2,
    accept: () => true,
  },
  {
    kind: 'FACEBOOK_TOKEN',
    // App access tokens: the app id, a bar, the app secret.
    pattern: /(?<=(?<![A-Za-z0-9_])(\d{15,16}))(?:\||%7C)[A-Za-z0-9_-]{27,40}(?![A-Za-z0-9_-])/dg,
    group: 0,
    startGroup: 1,
    priority: 2,
    accept: (value) => randomEnough(value.replace(/^(?:\||%7C)/, '')),
  },
  {
    kind: 'TELEGRAM_BOT_TOKEN', requires: ':AA',
    pattern: /(?<=(?<![A-Za-z0-9_:])(\d{8,10})):AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/dg,
    group: 0,
    startGroup: 1,
    priority: 2,
    accept: vendorValue,
  },
  {
    kind: 'MAXMIND_KEY', requires: '_mmk',
    pattern: /(?<=(?<![A-Za-z0-9_])([A-Za-z0-9]{6}_[A-Za-z0-9]{29}))_mmk(?![A-Za-z0-9_])/dg,
    group: 0,
    startGroup: 1,
    priority: 2,
    accept: () => true,
  },
  {
    kind: 'FIREBASE_SERVER_KEY',
    // Legacy Cloud Messaging server keys: `AAAA` and seven characters, a colon, then `APA91b…`.
    pattern: /(?<=(?<![A-Za-z0-9_-])(AAAA[A-Za-z0-9_-]{7})):APA91b[A-Za-z0-9_-]{130,}(?![A-Za-z0-9_-])/dg,
    requires: ':APA91b',
    group: 0,
    startGroup: 1,
    priority: 2,
    accept: vendorValue,
  },
  {
    kind: 'TERRAFORM_TOKEN', requires: '.atlasv1.',
    pattern: /(?<=(?<![A-Za-z0-9_])([A-Za-z0-9]{14}))\.atlasv1\.[A-Za-z0-9_=-]{60,70}(?![A-Za-z0-9_=-])/dg,
    group: 0,
    startGroup: 1,
    priority: 2,
    accept: vendorValue,
  },
  { kind: 'SLACK_WEBHOOK', requires: 'hooks.slack.com', pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9_/+-]{20,})/dg, group: 1, priority: 2, accept: vendorValue },
  { kind: 'DISCORD_WEBHOOK', requires: '/api/webhooks/', pattern: /discord(?:app)?\.com\/api\/webhooks\/(\d{15,20}\/[A-Za-z0-9_-]{60,70})/dg, group: 1, priority: 2, accept: vendorValue },
  {
    kind: 'TEAMS_WEBHOOK', requires: '.webhook.office.com',
    pattern: /\.webhook\.office\.com\/webhookb2\/([A-Za-z0-9@/-]{60,}\/IncomingWebhook\/[A-Za-z0-9/-]{40,})/dg,
    group: 1,
    priority: 2,
    accept: vendorValue,
  },
  {
    kind: 'PRIVATE_KEY', requires: 'PRIVATE KEY',
    // Only the body goes: the BEGIN/END lines stay, so the model still sees what the value is.
    // The body cannot hold `-----`, so a BEGIN without an END costs a scan to the next dash run only.
    pattern: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----((?:(?!-----)[\s\S]){1,16000})-----END \1PRIVATE KEY\2-----/dg,
    group: 3,
    priority: 2,
    accept: pemBody,
  },
  {
    kind: 'BEARER_TOKEN',
    pattern: /Authorization["']?\s*[:=,]\s*["'`]?(?:Bearer|Token|Basic|Api-Key|ApiKey|Key|SSWS|GenieKey|Splunk|DeepL-Auth-Key)\s+([A-Za-z0-9._~+/:-]{12,}=*)/dgi,
    group: 1,
    priority: 2,
    accept: (value) => randomEnough(value) && vendorValue(value),
  },
  {
    kind: 'BEARER_TOKEN',
    // `Bearer <token>` anywhere: in a string, a header file, a log line. Long and random only.
    requires: 'Bearer',
    pattern: /\bBearer[ \t]+([A-Za-z0-9._~+/-]{20,}=*)(?![A-Za-z0-9._~+/=-])/dg,
    group: 1,
    priority: 1,
    accept: (value) => randomEnough(value) && vendorValue(value) && /\d/.test(value),
  },
  {
    kind: 'URL_CREDENTIALS', requires: '@',
    // The whole `user:password` of scheme://user:password@host goes; scheme, host and path stay.
    pattern: /:\/\/(([^\s:/?#@'"`<>]*):([^\s/?#@'"`<>]+))@(?=[^\s/?#@'"`<>])/dg,
    group: 1,
    priority: 1,
    accept: urlCredentials,
  },
  {
    kind: 'URL_CREDENTIALS', requires: '@',
    pattern: /:\/\/([A-Za-z0-9_-]{20,100})@(?=[A-Za-z0-9.-]+)/dg,
    group: 1,
    priority: 1,
    accept: tokenUser,
  },
  {
    kind: 'PASSWORD', requires: '-p',
    // Password flags of database and login commands: `mysql -uroot -p…`, `sshpass -p '…'`, `docker login -p …`.
    pattern: /\b(?:mysql\w*|mariadb\w*|sshpass|mongo\w*|(?:docker|podman|helm)[ \t]+(?:registry[ \t]+)?login)\b[^\n]*?[ \t]-p[ \t]*(["']?)([^\s"'$]{4,200})\1(?=\s|$)/dg,
    group: 2,
    priority: 1,
    accept: (value) => !weakPassword(value, ''),
  },
  {
    kind: 'BASIC_AUTH', requires: 'curl',
    pattern: /(?<![\w-])(?:-u|--user)(?:=|[ \t]+)(["']?)([^\s"':]+:[^\s"'|;&)]*)\1/dg,
    group: 2,
    priority: 1,
    accept: curlUser,
  },
];

/**
 * Values in a Kubernetes Secret's `data:` (base64) and `stringData:` blocks: whatever their names,
 * they are the secret. Cheap to skip: most texts have no `kind: Secret`.
 */
export function kubernetesSecretValues(text: string, push: (start: number, end: number) => void): void {
  if (!/\bkind:[ \t]*["']?Secret\b/.test(text)) return;
  const block = /^([ \t]*)(data|stringData):[ \t]*\r?\n/gm;
  for (let match = block.exec(text); match; match = block.exec(text)) {
    const indent = match[1]!.length;
    const entry = /^([ \t]*)["']?[\w.-]+["']?:[ \t]*(?:"([^"\r\n]*)"|'([^'\r\n]*)'|([^\s#'"][^\r\n#]*?))[ \t]*(?:\r?\n|$)/dmy;
    entry.lastIndex = match.index + match[0].length;
    for (let item = entry.exec(text); item && item[1]!.length > indent; item = entry.exec(text)) {
      const group = item[2] !== undefined ? 2 : item[3] !== undefined ? 3 : 4;
      const value = item[group]!;
      const isData = match[2] === 'data';
      const ok = isData ? /^[A-Za-z0-9+/]{4,}={0,2}$/.test(value) && value.length >= 8 : value.length >= 6 && !looksLikePlaceholder(value) && !/^[$%{]/.test(value);
      if (!ok) continue;
      const start = item.indices ? item.indices[group]![0] : item.index + item[0].indexOf(value);
      push(start, start + value.length);
    }
    block.lastIndex = entry.lastIndex > block.lastIndex ? entry.lastIndex : block.lastIndex;
  }
}
