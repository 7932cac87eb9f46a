import { shannonEntropy } from './entropy.ts';

/**
 * Entropy floors (bits per character), measured on the corpus (test/unit/safety/secretCorpus.ts):
 * random keys sit well above 3.3, hex keys above 3.0, generated passwords above 2.3. Identifiers
 * and config words assigned to secret-looking names span 1.9 to 3.9 (`Bearer`, `cl100k_base`,
 * `SignUpAttributeV2`), so entropy only cuts the low tail; the word-shape checks below separate
 * the rest. Short values get a floor they can reach (n characters hold at most log2(n) bits each).
 */
export const entropyFloors = { hex: 3.0, random: 3.3, password: 2.3, unquotedIdentifier: 3.6 } as const;

/** Values written by people to stand for a secret: docs, templates, samples. */
export const placeholderMarks = /x{5,}|X{5,}|\*{3,}|\.{3}|…|<[^>]*>|\$\{|\{\{|GW_REDACTED_/;
/** Words as people write them (lower, UPPER, Capitalized), so a random key's `yoUr` or `moCK` is no word. */
const casedWords = (words: readonly string[]) =>
  new RegExp(words.flatMap((word) => [word, word.toUpperCase(), word[0]!.toUpperCase() + word.slice(1)]).join('|'), 'g');
const placeholderWords = casedWords(['your', '_here', '-here', 'changeme', 'change_me', 'change-me', 'replaceme', 'replace_me', 'replace-me', 'placeholder', 'redacted']);
/** Words that make a free-form value an example whatever else it holds. */
const exampleWords = casedWords(['example', 'sample', 'dummy', 'fake', 'mock', 'demo', 'foobar', 'lorem', 'changeit', 'qwerty', 'letmein', 'insecure', 'abc123', '123456', 'abcdef']);
/**
 * Words that make a short value an example (`test-secret`, `admin123`) but that real keys carry
 * as a marker too (`FLWSECK_TEST-…`, `shippo_test_…`): what is left without them decides.
 */
const markerWords = casedWords(['test', 'secret', 'password', 'passwd', 'token', 'admin', 'default', 'sandbox', 'live', 'prod', 'key']);

function hasWord(pattern: RegExp, value: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(value);
}

export function looksLikePlaceholder(value: string): boolean {
  return placeholderMarks.test(value) || hasWord(placeholderWords, value) || /^(.)\1+$/.test(value);
}

/**
 * Vendor-format tokens and key bodies: rejects only marks no random key holds (runs of x, `...`,
 * `<…>`, `your-`) and runs of one character. Capitalized words are not checked here: a long
 * random key contains a `Your` or a `Test` often enough to matter.
 */
export function vendorValue(value: string): boolean {
  return !placeholderMarks.test(value) && !/your[_-]|[_-]here\b/i.test(value) && !/^(.)\1+$/.test(value) && shannonEntropy(value) >= 2.5;
}

/** Short or common vendor prefixes (`s.`, `API-`): the body must be random, not an identifier or a word run. */
export function randomBody(value: string): boolean {
  if (madeOfWords(value)) return false;
  // Long mixed-case bodies may lack a digit by chance; shorter ones are identifiers without one.
  if (!/\d/.test(value)) return value.length >= 30 && /[a-z]/.test(value) && /[A-Z]/.test(value) && shannonEntropy(value) >= 4;
  // Lower-case hex bodies (`test_pub_…`) have no capitals to show; their spread of digits does.
  if (/^[0-9a-f_]+$/.test(value)) return value.length >= 24 && /[a-f]/.test(value) && shannonEntropy(value) >= 3.2;
  // One case only (`API-` keys are upper case): long enough that an identifier would show words.
  if (/^[A-Z0-9]+$|^[a-z0-9]+$/.test(value)) return value.length >= 20 && shannonEntropy(value) >= 3.8;
  return /[a-z]/.test(value) && /[A-Z]/.test(value) && shannonEntropy(value) >= 3.5;
}

/** Words that make a following `key` a secret one (`signing_key`, `apiKey`); a lone `key` is a cache or map key. */
const keyQualifiers = new Set(['api', 'private', 'secret', 'access', 'signing', 'encryption', 'master', 'license', 'client', 'app', 'auth', 'account', 'storage', 'shared', 'service', 'admin', 'webhook', 'session', 'cookie', 'jwt', 'hmac', 'subscription', 'consumer', 'decryption', 'crypto', 'cipher', 'aes', 'server', 'root', 'write', 'read', 'ingest', 'ingestion', 'integration', 'dev', 'developer', 'prod', 'production', 'live', 'test', 'sandbox', 'user', 'personal', 'project', 'org', 'organization', 'partner', 'merchant', 'rest', 'sdk', 'deploy', 'deployment', 'instance', 'workspace', 'tenant', 'bot', 'push', 'sms', 'mail', 'smtp', 'payment', 'payments', 'billing', 'wallet', 'oauth', 'mgmt', 'management', 'trading', 'exchange', 'hook', 'callback', 'verify', 'validation', 'security', 'backup', 'vault', 'kms', 'ssh', 'gpg', 'pgp', 'tls', 'ssl', 'x509', 'rsa', 'ec', 'ed25519']);
/** Words before `key` that name a data structure's key, not a credential (`sortKey`, `CACHE_KEY`, `publicKey`). */
const plainKeyQualifiers = new Set(['primary', 'foreign', 'sort', 'partition', 'cache', 'map', 'hash', 'range', 'row', 'column', 'object', 'lookup', 'dedupe', 'dedup', 'idempotency', 'react', 'list', 'item', 'unique', 'composite', 'index', 'query', 'route', 'public', 'pub', 'publishable', 'site', 'search', 'i18n', 'translation', 'locale', 'message', 'group', 'event', 'field', 'attribute', 'prop', 'property', 'state', 'local', 'config', 'setting', 'settings', 'meta', 'cursor', 'page', 'next', 'prev', 'sub', 'parent', 'child', 'node', 'entry', 'record', 'table', 'bucket', 's3', 'file', 'path', 'name', 'type', 'shortcut', 'hot', 'keyboard', 'registry', 'cluster', 'shard', 'label', 'tag', 'dict', 'redis', 'kv', 'option', 'options', 'env', 'global', 'secondary', 'join', 'clustering', 'element', 'component', 'context', 'symbol', 'storage', 'verification', 'jwks', 'kid', 'store', 'data', 'value', 'lang', 'language', 'menu', 'tab', 'view', 'theme', 'color', 'css', 'style', 'sort', 'order', 'filter', 'column', 'col', 'header', 'media', 'asset', 'image', 'upload', 'download', 'version', 'feature', 'flag', 'experiment', 'metric', 'trace', 'log', 'span', 'request', 'response', 'job', 'task', 'queue', 'topic', 'channel', 'stream', 'room', 'user', 'model', 'schema', 'doc', 'document', 'template', 'layout', 'slot', 'ref', 'parameter', 'param', 'arg', 'input', 'output', 'result', 'default', 'custom', 'unique', 'old', 'new', 'last', 'first', 'start', 'end', 'min', 'max', 'this', 'my', 'the', 'a', 'some', 'any', 'json', 'yaml', 'xml', 'css', 'html', 'cookie', 'vapid', 'recaptcha', 'captcha', 'turnstile', 'anon']);

/**
 * Vendors whose name in a variable marks its value as theirs (`HEROKU_KEY`, `alibabaKey`,
 * `asana_client_id`): under such a name a plain `key`, `id` or `sid` holds a credential.
 */
const vendorWords = new Set([
  'adafruit', 'adobe', 'airtable', 'algolia', 'alibaba', 'aliyun', 'asana', 'atlassian', 'confluence', 'jira', 'beamer', 'bitbucket', 'bittrex', 'meraki',
  'cloudflare', 'codecov', 'cohere', 'coinbase', 'confluent', 'contentful', 'datadog', 'dd', 'discord', 'droneci', 'drone', 'dropbox', 'etsy', 'facebook', 'fb',
  'fastly', 'finicity', 'finnhub', 'flickr', 'freshbooks', 'gitter', 'gocardless', 'heroku', 'hubspot', 'intercom', 'jfrog', 'artifactory', 'kraken',
  'kucoin', 'launchdarkly', 'linkedin', 'lob', 'looker', 'mailchimp', 'mailgun', 'mapbox', 'mattermost', 'messagebird', 'netlify', 'newrelic', 'nr',
  'nytimes', 'okta', 'plaid', 'privateai', 'rapidapi', 'sendbird', 'sentry', 'snyk', 'sonar', 'sonarqube', 'squarespace', 'sumo', 'sumologic', 'telegram',
  'travis', 'twitch', 'twitter', 'typeform', 'yandex', 'zendesk', 'stripe', 'twilio', 'sendgrid', 'slack', 'github', 'gh', 'gitlab', 'openai', 'anthropic',
  'claude', 'mistral', 'together', 'replicate', 'pinecone', 'azure', 'aws', 'gcp', 'google', 'firebase', 'pusher', 'segment', 'mixpanel', 'amplitude',
  'braintree', 'paypal', 'square', 'shopify', 'razorpay', 'paystack', 'flutterwave', 'mollie', 'adyen', 'klarna', 'vonage', 'nexmo', 'plivo', 'postmark',
  'sparkpost', 'mandrill', 'sendinblue', 'brevo', 'mailjet', 'pagerduty', 'opsgenie', 'bugsnag', 'rollbar', 'honeycomb', 'splunk', 'loggly', 'logdna',
  'papertrail', 'auth0', 'clerk', 'supabase', 'vercel', 'render', 'railway', 'flyio', 'digitalocean', 'linode', 'vultr', 'hetzner', 'scaleway', 'backblaze',
  'cloudinary', 'sanity', 'strapi', 'storyblok', 'notion', 'clickup', 'trello', 'figma', 'miro', 'calendly', 'zoom', 'docusign', 'salesforce', 'pipedrive',
  'zoho', 'freshdesk', 'crisp', 'hotjar', 'fullstory', 'logrocket', 'dynatrace', 'grafana', 'circleci', 'jenkins', 'buildkite', 'coveralls', 'docker',
  'dockerhub', 'npm', 'pypi', 'rubygems', 'nuget', 'vault', 'doppler', 'terraform', 'pulumi', 'openweather', 'openweathermap', 'tomtom', 'ipinfo',
  'newsapi', 'alphavantage', 'coinmarketcap', 'etherscan', 'infura', 'alchemy', 'moralis', 'binance', 'bitfinex', 'gemini', 'huggingface', 'hf', 'groq',
  'perplexity', 'deepseek', 'elevenlabs', 'assemblyai', 'deepgram', 'openrouter', 'fireworks', 'anyscale', 'wandb', 'langsmith', 'langchain', 'tavily',
  'serpapi', 'serper', 'bing', 'easypost', 'shippo', 'duffel', 'planetscale', 'pscale', 'neon', 'upstash', 'mongodb', 'atlas', 'redis', 'elastic',
  'algolia', 'mux', 'agora', 'ably', 'stream', 'sendinblue', 'mailersend', 'resend', 'loops', 'customerio', 'onesignal', 'expo', 'appcenter',
  'yelp', 'spotify', 'soundcloud', 'vimeo', 'youtube', 'instagram', 'tiktok', 'reddit', 'pinterest', 'tumblr', 'linear', 'harness', 'octopus',
  'scalingo', 'infracost', 'prefect', 'postman', 'readme', 'clojars', 'settlemint', 'authress', 'frameio', 'clickhouse', 'databricks', 'snowflake',
  'tencent', 'ibm', 'oracle', 'oci', 'alicloud', 'baidu', 'huawei', 'qiniu', 'nvidia', 'voyage', 'cerebras', 'jina', 'cohere', 'ai21', 'writer',
  'weaviate', 'qdrant', 'chroma', 'zilliz', 'nylas', 'plaid', 'checkout', 'wise', 'revolut', 'coinbase', 'gemini', 'kraken', 'okx', 'bybit',
]);

function splitWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** A last word saying the value describes a secret instead of being one (`tokenUrl`, `secretName`, `passwordLabel`). */
const descriptiveWords = new Set([
  'name', 'names', 'label', 'placeholder', 'hint', 'message', 'msg', 'error', 'errors', 'text', 'title', 'field', 'fields', 'input', 'regex', 're',
  'pattern', 'format', 'url', 'uri', 'endpoint', 'path', 'file', 'filename', 'dir', 'type', 'types', 'length', 'len', 'min', 'max', 'count', 'policy',
  'prompt', 'header', 'env', 'var', 'variable', 'ref', 'id', 'hash', 'digest', 'checksum', 'expiry', 'expires', 'ttl', 'timeout', 'lifetime', 'duration',
  'interval', 'arn', 'size', 'limit', 'enabled', 'required', 'mode', 'method', 'strategy', 'provider', 'store', 'storage', 'service', 'manager', 'client',
  'location', 'source', 'prefix', 'suffix', 'description', 'help', 'scope', 'scopes', 'audience', 'issuer', 'algorithm', 'alg', 'version', 'cursor',
  'pagination', 'page', 'offset', 'host', 'domain', 'region', 'site', 'zone', 'email', 'user', 'username', 'login',
]);
/** Words anywhere in a name that say its value is derived from a secret or is no credential at all. */
const derivedWords = new Set(['hashed', 'hash', 'digest', 'salt', 'salted', 'bcrypt', 'encrypted', 'masked', 'public', 'publishable', 'csrf', 'xsrf', 'nonce', 'cursor', 'pagination', 'page', 'next', 'continuation']);
/** Last words that, under a vendor's name, hold the credential even without saying `key` or `token`. */
const vendorCredentialWords = new Set(['key', 'sid', 'pat', 'dsn', 'consumer', 'license', 'apikey', 'accesskey', 'secretkey', 'clientid', 'appkey', 'login']);
const vendorIdQualifiers = new Set(['client', 'access', 'key', 'api', 'app', 'secret']);

/** Names repeat through a file; splitting each one again would dominate the scan of dense code. */
const kindCache = new Map<string, NameVerdict | null>();

export interface NameVerdict {
  readonly kind: string;
  /** The name carries a vendor's name: values of that vendor's shapes (digits only, a UUID) count. */
  readonly vendor: boolean;
  /** Only a `…Key` of no known kind (`widgetKey`): the value must be a long random key to count. */
  readonly weak?: boolean;
}

/** The kind of secret a name announces, or undefined when it announces none. */
export function secretKindOfName(name: string): string | undefined {
  return nameVerdict(name)?.kind;
}

export function nameVerdict(name: string): NameVerdict | undefined {
  const cached = kindCache.get(name);
  if (cached !== undefined) return cached ?? undefined;
  const verdict = verdictOfWords(name);
  if (kindCache.size >= 4096) kindCache.clear();
  kindCache.set(name, verdict ?? null);
  return verdict;
}

function verdictOfWords(name: string): NameVerdict | undefined {
  const words = splitWords(name);
  if (words.length === 0) return undefined;
  const last = words.at(-1)!;
  if (words.some((word) => derivedWords.has(word))) return undefined;
  // A request id every Postman snippet carries, not a credential.
  if (words.length >= 2 && words.at(-2) === 'postman' && last === 'token') return undefined;
  const vendor = words.some((word) => vendorWords.has(word));
  if (vendor && (vendorCredentialWords.has(last) || (last === 'id' && vendorIdQualifiers.has(words.at(-2) ?? '')))) {
    return { kind: kindOfWords(words) ?? 'SECRET', vendor };
  }
  if (descriptiveWords.has(last)) return undefined;
  const kind = kindOfWords(words);
  if (kind) return { kind, vendor };
  // Environment-style names ending in KEY (`MAILCHIMP_KEY`, `ACME_KEY`) are credentials unless the
  // word before says what kind of key (`CACHE_KEY`, `PUBLIC_KEY`); in code (`widgetKey`) only a
  // long random value makes one.
  if (last === 'key' && words.length >= 2 && !plainKeyQualifiers.has(words.at(-2)!)) {
    return { kind: 'SECRET', vendor, weak: !/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(name.replace(/^.*[.:]/, '')) };
  }
  return undefined;
}

function kindOfWords(words: readonly string[]): string | undefined {
  const found = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const previous = words[i - 1] ?? '';
    if (/(password|passwd|passphrase|passcode)$/.test(word) || word === 'pass' || word === 'pwd') found.add('PASSWORD');
    else if (word.endsWith('apikey') || (word === 'key' && previous === 'api')) found.add('API_KEY');
    else if (word.endsWith('token') || word === 'authorization' || word === 'bearer' || word === 'pat') found.add('TOKEN');
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
export function madeOfWords(value: string): boolean {
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

/**
 * An example word in a value makes it an example, unless what is left without the marker words
 * is itself a long random key (`FLWSECK_TEST-9f2c…`, `shippo_test_4be1…`).
 */
function isExampleValue(value: string): boolean {
  // Written in leetspeak (`topS3cr3tP4$$w0rd`), an example is still an example.
  const plain = /[0-9$@]/.test(value) ? value.replace(/3/g, 'e').replace(/4|@/g, 'a').replace(/0/g, 'o').replace(/1/g, 'i').replace(/\$/g, 's') : value;
  if (hasWord(exampleWords, value) || hasWord(exampleWords, plain)) return true;
  const marked = hasWord(markerWords, value) ? value : hasWord(markerWords, plain) ? plain : undefined;
  if (marked === undefined) return false;
  markerWords.lastIndex = 0;
  const rest = marked.replace(markerWords, '').replace(/[_\-.]/g, '');
  return rest.length < 16 || (!/\d/.test(rest) && rest.length < 30) || shannonEntropy(rest) < 3.5 || madeOfWords(rest);
}

/** `token_claims_cnf_required_for_signedjwt`: an error code or an identifier, not a key. */
function isSnakeIdentifier(value: string): boolean {
  if (!/^[a-z][a-z0-9]*(?:_[a-z0-9]+){2,}$/.test(value)) return false;
  const segments = value.split('_');
  const wordy = segments.filter((segment) => shortWords.has(segment) || pronounceable(segment)).join('').length;
  return wordy / segments.join('').length >= 0.5;
}

/** A base64 JSON object without a signature is a pagination cursor or state blob, not a credential. */
function isEncodedJson(value: string): boolean {
  if (!/^eyJ[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return false;
  try {
    return /^\{"[\w-]+":/.test(Buffer.from(value, 'base64').toString('latin1'));
  } catch {
    return false;
  }
}

/** Does a literal assigned to a secret-looking name hold a credential rather than a word, path or reference? */
export function looksLikeSecretValue(value: string, verdict: NameVerdict, quoted: boolean): boolean {
  const isPassword = verdict.kind === 'PASSWORD';
  // A `…Key` of no known kind holds a key only as a literal: bare, it is code (`nid_key = lib.NID_x`).
  if (verdict.weak && (!quoted || !/^[\x21-\x7e]{20,}$/.test(value))) return false;
  // Many services issue UUIDs as keys; under a secret name (or a quoted `…Key`) the format says enough.
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return (!verdict.weak || quoted) && !/^[0-]+$/.test(value.replace(/-/g, ''));
  // Client ids and account numbers some vendors issue as long digit runs.
  if (verdict.vendor && /^\d{14,24}$/.test(value)) return shannonEntropy(value) >= 2.2;
  if (value.length < (isPassword ? 6 : 10) || value.length > 1000) return false;
  // Keys are printable ASCII; anything else is prose (translated messages have no spaces to split on).
  if (!/^[\x21-\x7e]+$/.test(value) || looksLikePlaceholder(value) || isExampleValue(value)) return false;
  // References and templates: $VAR, %VAR%, !vault, env(...), a.b.c paths, function calls.
  // `:symbol` and `:py:data:` (Ruby symbols, Sphinx roles) are references too.
  if (/^[$%!&@:]|^(process\.env|os\.environ|env\b|ENV\[)/.test(value)) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\/|^file:/i.test(value) || looksLikePath(value)) return false;
  if (/^(sha\d*|md5)[-:]|^arn:/i.test(value)) return false;
  // Publishable keys (Stripe, Paystack: `pk_live_…`) are meant for the browser.
  if (/^pk_(?:live|test)_/.test(value)) return false;
  if (/^[\d.,:+-]+$/.test(value) || /^(true|false|null|none|nil|undefined)$/i.test(value)) return false;
  if (/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(value)) return false; // the name of an environment variable
  if (isEncodedJson(value) || isSnakeIdentifier(value)) return false;
  // Under a vendor's name, a long run of random letters and digits is that vendor's key even where
  // its chunks happen to read as syllables (`is0nbg9ypjyfeybrn`, `eezizsubywvfruhdyftq`).
  const vendorRandom = verdict.vendor && value.length >= 14 && /^[A-Za-z0-9]+$/.test(value) && shannonEntropy(value) >= 3.6;
  // Letters only: a word or an identifier, unless it is a long random run of mixed case.
  if (!vendorRandom && /^[a-z]+([._-][a-z]+)*$/i.test(value) && ((value.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g)?.length ?? 0) < 5 || shannonEntropy(value) < 3.5)) return false;
  if (/^[a-z][\w-]*(\.[a-z][\w-]*)+$/i.test(value) && !/\d/.test(value)) return false; // dotted names
  if (!quoted && (/[()[\]{}]/.test(value) || isMemberAccess(value))) return false; // code, not a literal
  // Identifiers and constants (AuthMethodStateV2, urn:ietf:params:oauth:jwt-bearer) are words; so are
  // people's passwords, which give themselves away by a symbol no identifier has.
  const humanPassword = isPassword && /[!@#%^&*+=?~]/.test(value);
  if (madeOfWords(value) && !humanPassword && !vendorRandom) return false;
  const entropy = shannonEntropy(value);
  if (verdict.weak && !(value.length >= 20 && /\d/.test(value) && /[a-zA-Z]/.test(value) && entropy >= (/^[0-9a-f]+$/i.test(value) ? 3.5 : 4))) return false;
  // A bare name in code (`token = refreshToken2`) versus a bare key in .env: keys have digits or are random enough.
  const digits = value.replace(/\D/g, '').length;
  const reachable = 0.8 * Math.log2(value.length);
  if (!quoted && /^[A-Za-z_$][\w$]*$/.test(value) && entropy < Math.min(entropyFloors.unquotedIdentifier, reachable + 0.3) && digits < (isPassword ? 1 : 2)) return false;
  if (isPassword) return entropy >= entropyFloors.password;
  if (/^[0-9a-f]+$/i.test(value)) return value.length >= 16 && entropy >= Math.min(entropyFloors.hex, reachable);
  return entropy >= Math.min(entropyFloors.random, reachable);
}
