import { shannonEntropy } from './entropy.ts';

/** One secret found in a text: `[start, end)` is exactly the part to hide. */
export interface SecretMatch {
  readonly start: number;
  readonly end: number;
  /** Upper-case letters and underscores only (it becomes part of a placeholder). */
  readonly kind: string;
}

interface Detector {
  readonly kind: string;
  /** Global with the `d` flag; starts with a literal where it can, which keeps the scan fast. */
  readonly pattern: RegExp;
  /** The capture group holding the secret. */
  readonly group: number;
  /** Vendor formats beat the URL rule, which beats the generic "name = value" rule, on overlap. */
  readonly priority: number;
  readonly accept: (value: string, match: RegExpExecArray, text: string) => boolean;
  /** Characters before the match that belong to the secret (kept out of the match for speed). */
  readonly lead?: number;
}

/**
 * Entropy floors (bits per character), measured on the corpus (test/unit/safety/secretCorpus.ts,
 * ten seeds): random keys have a 1st percentile of 3.35 and a median of 4.7, hex keys a minimum of
 * 3.1, generated passwords a 1st percentile of 2.9. Identifiers and config words assigned to
 * secret-looking names span 1.9 to 3.9 (`Bearer` 1.9, `cl100k_base` 3.3, `SignUpAttributeV2` 3.7),
 * so entropy only cuts the low tail; the word-shape checks below separate the rest. Short values
 * get a floor they can reach (a string of n characters holds at most log2(n) bits per character).
 */
export const entropyFloors = { hex: 3.0, random: 3.3, password: 2.3, unquotedIdentifier: 3.6 } as const;

/** Values written by people to stand for a secret: docs, templates, samples. */
const placeholderMarks = /x{5,}|X{5,}|\*{3,}|\.{3}|…|<[^>]*>|\$\{|\{\{|GW_REDACTED_/;
/** Words as people write them (lower, UPPER, Capitalized), so a random key's `yoUr` or `moCK` is no word. */
const casedWords = (words: readonly string[]) =>
  new RegExp(words.flatMap((word) => [word, word.toUpperCase(), word[0]!.toUpperCase() + word.slice(1)]).join('|'));
const placeholderWords = casedWords(['your', '_here', '-here', 'changeme', 'change_me', 'change-me', 'replaceme', 'replace_me', 'replace-me', 'placeholder', 'redacted']);
/** Words that mark an example in a free-form value; vendor formats skip this list (AWS's own example key contains EXAMPLE). */
const exampleWords = casedWords(['example', 'sample', 'dummy', 'fake', 'mock', 'test', 'demo', 'foobar', 'lorem', 'secret', 'password', 'passwd', 'token', 'changeit', 'qwerty', 'letmein', 'admin', 'default', 'insecure']);

function looksLikePlaceholder(value: string): boolean {
  return placeholderMarks.test(value) || placeholderWords.test(value) || /^(.)\1+$/.test(value);
}

/**
 * Vendor-format tokens and key bodies: rejects only marks no random key holds (runs of x, `...`,
 * `<…>`, `your-`) and runs of one character. Capitalized words are not checked here: a long
 * random key contains a `Your` or a `Test` often enough to matter.
 */
function vendorValue(value: string): boolean {
  return !placeholderMarks.test(value) && !/your[_-]|[_-]here\b/i.test(value) && !/^(.)\1+$/.test(value) && shannonEntropy(value) >= 2.5;
}

/**
 * Vendor token formats that start with a literal prefix, from the vendors' documentation. They
 * are scanned as one alternation (one pass over the text instead of thirty); order matters
 * where prefixes overlap (Anthropic's `sk-ant-` before OpenAI's `sk-`).
 */
const vendorTokens: readonly (readonly [kind: string, body: string])[] = [
  ['AWS_ACCESS_KEY', '(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}'],
  ['GCP_API_KEY', 'AIza[0-9A-Za-z_-]{35}'],
  ['GCP_OAUTH_SECRET', 'GOCSPX-[A-Za-z0-9_-]{28}'],
  ['GCP_OAUTH_TOKEN', 'ya29\\.[0-9A-Za-z_-]{30,}'],
  ['ANTHROPIC_KEY', 'sk-ant-[a-z]{3,6}\\d{2}-[A-Za-z0-9_-]{32,}'],
  ['OPENAI_KEY', 'sk-(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|[A-Za-z0-9]{48})'],
  ['GITHUB_TOKEN', '(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})'],
  ['GITLAB_TOKEN', '(?:gl(?:pat|ptt|dt|rt|soat|ft|imt|agent|cbt|oas)-[A-Za-z0-9_.-]{20,}|GR1348941[A-Za-z0-9_-]{20,})'],
  ['SLACK_TOKEN', '(?:xox[abposre]-[0-9A-Za-z-]{10,}|xapp-\\d-[A-Z0-9]+-\\d+-[a-z0-9]{20,})'],
  ['STRIPE_KEY', '(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{24,}'],
  ['STRIPE_WEBHOOK_SECRET', 'whsec_[A-Za-z0-9+/]{32,}'],
  ['TWILIO_API_KEY', 'SK[0-9a-fA-F]{32}'],
  ['SENDGRID_KEY', 'SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}'],
  ['NPM_TOKEN', 'npm_[A-Za-z0-9]{36}'],
  ['PYPI_TOKEN', 'pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}'],
  ['HUGGINGFACE_TOKEN', 'hf_[A-Za-z]{34}'],
  ['SHOPIFY_TOKEN', 'shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}'],
  ['DIGITALOCEAN_TOKEN', 'do[por]_v1_[a-f0-9]{64}'],
  ['DATABRICKS_TOKEN', 'dapi[a-f0-9]{32}(?:-\\d)?'],
  ['GROQ_KEY', 'gsk_[A-Za-z0-9]{52}'],
  ['XAI_KEY', 'xai-[A-Za-z0-9]{80}'],
  ['REPLICATE_TOKEN', 'r8_[A-Za-z0-9]{37}'],
  ['PERPLEXITY_KEY', 'pplx-[A-Za-z0-9]{48}'],
  ['JWT', 'eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,}'],
];
// A token must end where its format ends, and (checked in code) not be glued to a longer word or
// sit inside a base64 blob such as an image or a lockfile hash.
const vendorTokenPattern = new RegExp(vendorTokens.map(([, body]) => `(${body})(?![A-Za-z0-9_-])`).join('|'), 'g');
const tokenCharBefore = /[A-Za-z0-9_+/-]/;

const pemBody = (value: string) => (value.replace(/\\[nr]|\s/g, '').match(/[A-Za-z0-9+/=]/g)?.length ?? 0) >= 40 && vendorValue(value);

const weakUrlPasswords = new Set(['password', 'pass', 'passwd', 'pwd', 'secret', 'guest', 'admin', 'root', 'changeme', 'postgres', 'mysql', 'redis', 'user', 'test', 'example']);

/** RFC 2606 documentation hosts: credentials in their URLs are examples. */
const documentationHost = /^(?:[\w-]+\.)*example\.(?:com|org|net)\b/i;

function urlPassword(value: string, match: RegExpExecArray, text: string): boolean {
  const user = match[1] ?? '';
  if (value.length < 4 || documentationHost.test(text.slice(match.index + match[0].length, match.index + match[0].length + 80))) return false;
  if (value === user || weakUrlPasswords.has(value.toLowerCase()) || /^(key|pass|pw|pwd|secret|token|test|demo)[_-]?\d{0,6}$/i.test(value)) return false;
  if (/^[$%{]/.test(value) || looksLikePlaceholder(value)) return false;
  return !/^\*+$/.test(value);
}

/** Formats that need context around the secret, or whose secret is only part of the match. */
const contextDetectors: readonly Detector[] = [
  {
    kind: 'AWS_SECRET_KEY',
    pattern: /secret_?(?:access_?)?key["']?[ \t]*(?:=>|[:=])[ \t]*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=_-])/dgi,
    group: 1,
    priority: 2,
    accept: vendorValue,
  },
  { kind: 'GCP_PRIVATE_KEY_ID', pattern: /"private_key_id"\s*:\s*"([a-f0-9]{40})"/dg, group: 1, priority: 2, accept: vendorValue },
  { kind: 'AZURE_STORAGE_KEY', pattern: /(?:AccountKey|SharedAccessKey)\s*=\s*([A-Za-z0-9+/]{40,86}={0,2})/dg, group: 1, priority: 2, accept: vendorValue },
  { kind: 'AZURE_SAS_SIGNATURE', pattern: /[?&;]sig=([A-Za-z0-9%+/]{40,}(?:%3D|=){0,2})/dg, group: 1, priority: 2, accept: vendorValue },
  {
    kind: 'AZURE_CLIENT_SECRET',
    // Entra ID client secrets: three characters, a digit, then `Q~`. The scan keys on `Q~`.
    pattern: /(?<=(?<![A-Za-z0-9_~.+/-])([A-Za-z0-9_~.]{3}\d))Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/dg,
    group: 0,
    lead: 4,
    priority: 2,
    accept: vendorValue,
  },
  { kind: 'SLACK_WEBHOOK', pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9_/-]{20,})/dg, group: 1, priority: 2, accept: vendorValue },
  { kind: 'DISCORD_WEBHOOK', pattern: /discord(?:app)?\.com\/api\/webhooks\/(\d{15,20}\/[A-Za-z0-9_-]{60,70})/dg, group: 1, priority: 2, accept: vendorValue },
  {
    kind: 'PRIVATE_KEY',
    // Only the body goes: the BEGIN/END lines stay, so the model still sees what the value is.
    // The body cannot hold `-----`, so a BEGIN without an END costs a scan to the next dash run only.
    pattern: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----((?:(?!-----)[\s\S]){1,16000})-----END \1PRIVATE KEY\2-----/dg,
    group: 3,
    priority: 2,
    accept: pemBody,
  },
  {
    kind: 'BEARER_TOKEN',
    pattern: /Authorization["']?\s*[:=,]\s*["'`]?(?:Bearer|Token|Basic)\s+([A-Za-z0-9._~+/-]{12,}=*)/dgi,
    group: 1,
    priority: 2,
    accept: (value) => !looksLikePlaceholder(value) && !exampleWords.test(value) && shannonEntropy(value) >= entropyFloors.random,
  },
  {
    kind: 'CONNECTION_PASSWORD',
    // Only the password part of scheme://user:password@host goes, so the code still reads.
    pattern: /:\/\/([^\s:/?#@'"`<>]*):([^\s/?#@'"`<>]+)@(?=[^\s/?#@'"`<>])/dg,
    group: 2,
    priority: 1,
    accept: urlPassword,
  },
];

/** Words that make a following `key` a secret one (`signing_key`, `apiKey`); a lone `key` is a cache or map key. */
const keyQualifiers = new Set(['api', 'private', 'secret', 'access', 'signing', 'encryption', 'master', 'license', 'client', 'app', 'auth', 'account', 'storage', 'shared', 'service', 'admin', 'webhook', 'session', 'cookie', 'jwt', 'hmac', 'subscription']);
/** A last word saying the value describes a secret instead of being one (`tokenUrl`, `secretName`, `passwordLabel`). */
const descriptiveWords = new Set([
  'name', 'names', 'label', 'placeholder', 'hint', 'message', 'msg', 'error', 'errors', 'text', 'title', 'field', 'fields', 'input', 'regex', 're',
  'pattern', 'format', 'url', 'uri', 'endpoint', 'path', 'file', 'filename', 'dir', 'type', 'types', 'length', 'len', 'min', 'max', 'count', 'policy',
  'prompt', 'header', 'env', 'var', 'variable', 'ref', 'id', 'hash', 'digest', 'checksum', 'expiry', 'expires', 'ttl', 'timeout', 'lifetime', 'duration',
  'interval', 'arn', 'size', 'limit', 'enabled', 'required', 'mode', 'method', 'strategy', 'provider', 'store', 'storage', 'service', 'manager', 'client',
  'location', 'source', 'prefix', 'suffix', 'description', 'help', 'scope', 'scopes', 'audience', 'issuer', 'algorithm', 'alg', 'version',
]);

function splitWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Names repeat through a file; splitting each one again would dominate the scan of dense code. */
const kindCache = new Map<string, string | null>();

/** The kind of secret a name announces, or undefined when it announces none. */
export function secretKindOfName(name: string): string | undefined {
  const cached = kindCache.get(name);
  if (cached !== undefined) return cached ?? undefined;
  const kind = kindOfWords(name);
  if (kindCache.size >= 4096) kindCache.clear();
  kindCache.set(name, kind ?? null);
  return kind;
}

function kindOfWords(name: string): string | undefined {
  const words = splitWords(name);
  if (words.length === 0 || descriptiveWords.has(words.at(-1)!)) return undefined;
  const found = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const previous = words[i - 1] ?? '';
    if (/(password|passwd|passphrase|passcode)$/.test(word) || word === 'pass' || word === 'pwd') found.add('PASSWORD');
    else if (word.endsWith('apikey') || (word === 'key' && previous === 'api')) found.add('API_KEY');
    else if (word.endsWith('token') || word === 'authorization' || word === 'bearer') found.add('TOKEN');
    else if (/(secret|secrets|credential|credentials)$/.test(word) || word === 'creds' || word.endsWith('auth')) found.add('SECRET');
    else if (word === 'key' && keyQualifiers.has(previous)) found.add('SECRET');
    else if (/(privatekey|secretkey|accesskey|signingkey|encryptionkey|masterkey|clientkey|authkey|appkey)$/.test(word)) found.add('SECRET');
  }
  // The most specific word wins: `auth_token` is a token, `db_password_secret` a password.
  return ['PASSWORD', 'API_KEY', 'TOKEN', 'SECRET'].find((kind) => found.has(kind));
}

const shortWords = new Set(['up', 'in', 'on', 'to', 'of', 'by', 'id', 'is', 'at', 'or', 'no', 'ok', 'js', 'ui', 'io', 'db', 'os', 'me', 'my', 'we', 'go']);

/**
 * Three or more letters, a fifth of them vowels, no four consonants in a row and no three at the
 * start but the usual onsets: `grant`, `attribute`, `strength`, not `ntbyv` or `srwlnpobw`.
 */
function pronounceable(word: string): boolean {
  if (!/^[a-z]{3,}$/.test(word) || /[^aeiouy]{4}/.test(word)) return false;
  if (/^[^aeiouy]{3}/.test(word) && !/^(str|spr|scr|spl|thr|chr|sch|shr|phr)/.test(word)) return false;
  return (word.match(/[aeiouy]/g)?.length ?? 0) / word.length >= 0.2;
}

/**
 * Identifiers and constants (`SignUpAttributeV2`, `urn:ietf:params:oauth:jwt-bearer`) are mostly
 * words; random keys break into short humps without vowels. Measured as the share of letters and
 * digits in word-like chunks. Capital runs count as words only in a value without lower case
 * (`AUTH_METHOD_V2`): inside mixed case they are what random keys are full of.
 */
function madeOfWords(value: string): boolean {
  const chunks = value.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+/g) ?? [];
  if (chunks.length < 2) return false;
  const capitalsAreWords = !/[a-z]/.test(value);
  let total = 0;
  let wordy = 0;
  for (const chunk of chunks) {
    total += chunk.length;
    const isCapitals = /^[A-Z]{2,}$/.test(chunk);
    if (isCapitals && !capitalsAreWords) continue;
    const word = chunk.toLowerCase();
    if (shortWords.has(word) || pronounceable(word)) wordy += chunk.length;
  }
  return wordy / total >= 0.7;
}

/** `/run/secrets/db_password`, `./keys`, `~/.ssh`; base64 keys may start with `/` too, but are not made of words and are random. */
function looksLikePath(value: string): boolean {
  if (!/^(\.{0,2}\/|~\/)/.test(value)) return false;
  return !/[+=]/.test(value) && (madeOfWords(value) || shannonEntropy(value) < 4.3);
}

/** Identifier-shaped segments: snake_case, CONSTANT_CASE, camelCase or PascalCase with real humps. */
const identifierSegment = /^[_$]*(?:[a-z][a-z0-9_$]*|[A-Z][A-Z0-9_]*|(?:[a-z]+|[A-Z][a-z]+[a-z0-9]*)(?:[A-Z][a-z]+[a-z0-9]*)*)$/;

/** `settings.DATABASE_PASSWORD`, `ntlm_1.NtlmCredentialHandler`; a random `awN8jZ9K.wdOEDJ` is no member access. */
function isMemberAccess(value: string): boolean {
  const segments = value.split('.');
  return segments.length > 1 && segments.every((segment) => identifierSegment.test(segment));
}

/** Does a literal assigned to a secret-looking name hold a credential rather than a word, path or reference? */
function looksLikeSecretValue(value: string, kind: string, quoted: boolean): boolean {
  const isPassword = kind === 'PASSWORD';
  // Many services issue UUIDs as keys; under a secret name the format says enough.
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return !/^[0-]+$/.test(value.replace(/-/g, ''));
  if (value.length < (isPassword ? 6 : 10) || value.length > 1000) return false;
  // Keys are printable ASCII; anything else is prose (translated messages have no spaces to split on).
  if (!/^[\x21-\x7e]+$/.test(value) || looksLikePlaceholder(value) || exampleWords.test(value)) return false;
  // References and templates: $VAR, %VAR%, !vault, env(...), a.b.c paths, function calls.
  if (/^[$%!&@]|^(process\.env|os\.environ|env\b|ENV\[)/.test(value)) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\/|^file:/i.test(value) || looksLikePath(value)) return false;
  if (/^(sha\d*|md5)[-:]|^arn:/i.test(value)) return false;
  if (/^[\d.,:+-]+$/.test(value) || /^(true|false|null|none|nil|undefined)$/i.test(value)) return false;
  if (/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(value)) return false; // the name of an environment variable
  // Letters only: a word or an identifier, unless it is a long random run of mixed case.
  if (/^[a-z]+([._-][a-z]+)*$/i.test(value) && ((value.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g)?.length ?? 0) < 5 || shannonEntropy(value) < 3.5)) return false;
  if (/^[a-z][\w-]*(\.[a-z][\w-]*)+$/i.test(value) && !/\d/.test(value)) return false; // dotted names
  if (!quoted && (/[()[\]{}]/.test(value) || isMemberAccess(value))) return false; // code, not a literal
  // Identifiers and constants (AuthMethodStateV2, urn:ietf:params:oauth:jwt-bearer) are words; so are
  // people's passwords, which give themselves away by a symbol no identifier has.
  const humanPassword = isPassword && /[!@#%^&*+=?~]/.test(value);
  if (madeOfWords(value) && !humanPassword) return false;
  const entropy = shannonEntropy(value);
  // A bare name in code (`token = refreshToken2`) versus a bare key in .env: keys have digits or are random enough.
  const digits = value.replace(/\D/g, '').length;
  const reachable = 0.8 * Math.log2(value.length);
  if (!quoted && /^[A-Za-z_$][\w$]*$/.test(value) && entropy < Math.min(entropyFloors.unquotedIdentifier, reachable + 0.3) && digits < (isPassword ? 1 : 2)) return false;
  if (isPassword) return entropy >= entropyFloors.password;
  if (/^[0-9a-f]+$/i.test(value)) return value.length >= 16 && entropy >= Math.min(entropyFloors.hex, reachable);
  return entropy >= Math.min(entropyFloors.random, reachable);
}

/** Words that may make a name secret-looking; `secretKindOfName` decides. Cheap to scan for. */
const nameKeyword = /pass|pwd|secret|token|key|auth|credential|creds|bearer/gi;
const isNameChar = (code: number) =>
  (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 46 || code === 36 || code === 45;

/** Tried at the start of each name that holds a keyword: name, separator, then a quoted or bare value. */
const assignmentAt = new RegExp(
  // the name, optionally quoted as in JSON or a dict
  '(["\']?)([\\w.$-]+)\\1[ \\t]*\\]?[ \\t]*' +
    // `==` only as a spaced comparison, so base64 padding (`Ij48Pw== KG51`) is no assignment
    '(?::=|=>|=(?!=)|(?<=\\s)={2,3}|!==?|:|<-)[ \\t]*' +
    // a literal wrapped once in a conversion, as in Rust's String::from("…") or Python's b"…"
    '(?:(?:String::from|[A-Z]\\w*::new|Some|Secret\\w*|String|str|bytes|\\[\\]byte|Buffer\\.from|new String)\\([ \\t]*|b(?=["\']))?' +
    '(?:"((?:[^"\\\\\\r\\n]|\\\\.){0,1000})"|\'((?:[^\'\\\\\\r\\n]|\\\\.){0,1000})\'|`([^`\\\\\\r\\n$]{0,1000})`|([^\\s"\'`,;#{}()[\\]<>|]{1,1000}))',
  'dy',
);

/** XML elements and .NET appSettings entries: `<password>…</password>`, `<add key="ApiKey" value="…"/>`. */
const xmlNamedValues: readonly RegExp[] = [
  /<([\w:.-]*?(?:pass|pwd|secret|token|key|auth|credential)[\w:.-]*)(?:\s[^>]*)?>([^<\s]{6,1000})<\/\1>/dgi,
  /<add\s+key="([^"]+)"\s+value="([^"\s]{6,1000})"/dgi,
];

/** The group that captured the value in `assignmentAt`: 3, 4 and 5 are quoted, 6 is bare. */
function assignedValue(match: RegExpExecArray): { group: number; quoted: boolean } | undefined {
  for (const group of [3, 4, 5, 6]) {
    if (match[group] !== undefined) return { group, quoted: group !== 6 };
  }
  return undefined;
}

/**
 * A bare value is a literal only where a config line ends it (.env, YAML, INI, a shell command,
 * a connection string); followed by anything else it is code: `token = getToken()`,
 * `(password: Uint8Array, salt)`, `fetch = x509Auth ? a : b`.
 */
function endsBareValue(text: string, end: number): boolean {
  let i = end;
  while (text.charAt(i) === ' ' || text.charAt(i) === '\t') i++;
  const next = text.charAt(i);
  return next === '' || '\r\n#;&"\'`}\\'.includes(next) || (i > end && next === '-');
}

/** The assignment whose name starts at `start`, trying the quoted form (`"apiKey": …`) first. */
function matchAssignment(text: string, start: number): RegExpExecArray | null {
  const quote = text.charAt(start - 1);
  if (quote === '"' || quote === "'") {
    assignmentAt.lastIndex = start - 1;
    const quoted = assignmentAt.exec(text);
    if (quoted) return quoted;
  }
  assignmentAt.lastIndex = start;
  return assignmentAt.exec(text);
}

/**
 * Every secret in `text`, in order, without overlaps. On overlap the more specific detector wins
 * (a JWT assigned to `token` is a JWT), then the longer match.
 */
export function findSecrets(text: string): SecretMatch[] {
  const candidates: (SecretMatch & { readonly priority: number })[] = [];
  vendorTokenPattern.lastIndex = 0;
  for (let match = vendorTokenPattern.exec(text); match; match = vendorTokenPattern.exec(text)) {
    const start = match.index;
    const value = match[0];
    const rejected = (start > 0 && tokenCharBefore.test(text.charAt(start - 1))) || !vendorValue(value);
    if (rejected) {
      // Another format may still start inside this one.
      vendorTokenPattern.lastIndex = start + 1;
      continue;
    }
    const which = match.findIndex((group, index) => index > 0 && group !== undefined);
    candidates.push({ start, end: start + value.length, kind: vendorTokens[which - 1]![0], priority: 2 });
  }
  for (const detector of contextDetectors) {
    detector.pattern.lastIndex = 0;
    for (let match = detector.pattern.exec(text); match; match = detector.pattern.exec(text)) {
      const value = match[detector.group];
      const span = match.indices?.[detector.group];
      if (value === undefined || !span || !detector.accept(value, match, text)) continue;
      candidates.push({ start: span[0] - (detector.lead ?? 0), end: span[1], kind: detector.kind, priority: detector.priority });
    }
  }
  nameKeyword.lastIndex = 0;
  for (let hit = nameKeyword.exec(text); hit; hit = nameKeyword.exec(text)) {
    let start = hit.index;
    while (start > 0 && isNameChar(text.charCodeAt(start - 1))) start--;
    let end = hit.index + hit[0].length;
    while (end < text.length && isNameChar(text.charCodeAt(end))) end++;
    // One look per name, however many keywords it holds (`secret_token_key`).
    nameKeyword.lastIndex = end;
    const match = matchAssignment(text, start);
    if (!match) continue;
    // Whatever the verdict, the value is not a name: `arn:…:secret:prod` holds no assignment.
    nameKeyword.lastIndex = Math.max(end, match.index + match[0].length);
    const kind = secretKindOfName(match[2] ?? '');
    const valueGroup = assignedValue(match);
    if (!kind || !valueGroup) continue;
    const value = match[valueGroup.group]!;
    const span = match.indices![valueGroup.group]!;
    // Command-line flags (`--password=…`) take a bare value followed by more arguments.
    if (!valueGroup.quoted && !match[2]!.startsWith('-') && !endsBareValue(text, span[1])) continue;
    if (!looksLikeSecretValue(value, kind, valueGroup.quoted)) continue;
    candidates.push({ start: span[0], end: span[1], kind, priority: 0 });
  }
  for (const pattern of xmlNamedValues) {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      const kind = secretKindOfName(match[1]!);
      if (!kind || !looksLikeSecretValue(match[2]!, kind, true)) continue;
      const span = match.indices![2]!;
      candidates.push({ start: span[0], end: span[1], kind, priority: 0 });
    }
  }
  return resolveOverlaps(candidates);
}

function resolveOverlaps(candidates: (SecretMatch & { readonly priority: number })[]): SecretMatch[] {
  candidates.sort((a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const chosen: SecretMatch[] = [];
  for (const candidate of candidates) {
    // `chosen` stays sorted by start, so one binary search finds the neighbours to test.
    let low = 0;
    let high = chosen.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (chosen[mid]!.start < candidate.start) low = mid + 1;
      else high = mid;
    }
    const previous = chosen[low - 1];
    const next = chosen[low];
    if (previous && previous.end > candidate.start) continue;
    if (next && next.start < candidate.end) continue;
    chosen.splice(low, 0, { start: candidate.start, end: candidate.end, kind: candidate.kind });
  }
  return chosen;
}
