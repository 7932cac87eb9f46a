import { contextRules, kubernetesSecretValues, lineStartWithin } from './contextSecretRules.ts';
import { looksLikeSecretValue, nameVerdict, type NameVerdict, randomBody, secretKindOfName, vendorValue } from './secretNames.ts';
import { vendorTokenFormats } from './vendorTokenFormats.ts';

export { secretKindOfName } from './secretNames.ts';

/** One secret found in a text: `[start, end)` is exactly the part to hide. */
export interface SecretMatch {
  readonly start: number;
  readonly end: number;
  /** Upper-case letters and underscores only (it becomes part of a placeholder). */
  readonly kind: string;
}

type Candidate = SecretMatch & { readonly priority: number };

// A token must end where its format ends, and (checked in code) not be glued to a longer word or
// sit inside a base64 blob such as an image or a lockfile hash.
const vendorTokenAt = new RegExp(vendorTokenFormats.map(({ body }) => `(${body})(?![A-Za-z0-9_-])`).join('|'), 'y');
const tokenCharBefore = /[A-Za-z0-9_+/-]/;
/**
 * Runs of token characters at least as long as the shortest format. Trying a hundred formats at
 * every position costs far more than one pass over the characters; inside a run a token can only
 * start at its beginning or after a `.`, `=`, `~` or `$` (anything else would glue it on). The
 * pass is a plain loop over a lookup table: it beats a regular expression of the same class.
 */
const shortestToken = 20;
const tokenChar = new Uint8Array(128);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/=.~$-') tokenChar[char.charCodeAt(0)] = 1;
const startMark = (code: number) => code === 46 || code === 61 || code === 126 || code === 36;

function vendorTokens(text: string, candidates: Candidate[]): void {
  let runStart = -1;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 0;
    if (code < 128 && tokenChar[code] === 1) {
      if (runStart < 0) runStart = i;
    } else {
      if (runStart >= 0 && i - runStart >= shortestToken) tokensInRun(text, runStart, i, candidates);
      runStart = -1;
    }
  }
}

function tokensInRun(text: string, runStart: number, runEnd: number, candidates: Candidate[]): void {
  let resumeAt = Math.max(runStart, tryVendorToken(text, runStart, candidates));
  for (let i = runStart; i < runEnd - shortestToken; i++) {
    if (i + 1 < resumeAt || !startMark(text.charCodeAt(i))) continue;
    resumeAt = Math.max(resumeAt, tryVendorToken(text, i + 1, candidates));
  }
}

/** The format matching at `start`, if any: records it and returns where it ends, else -1. */
function tryVendorToken(text: string, start: number, candidates: Candidate[]): number {
  if (start > 0 && tokenCharBefore.test(text.charAt(start - 1))) return -1;
  vendorTokenAt.lastIndex = start;
  const match = vendorTokenAt.exec(text);
  if (!match) return -1;
  const value = match[0];
  const which = match.findIndex((group, index) => index > 0 && group !== undefined);
  const format = vendorTokenFormats[which - 1]!;
  // The body after the prefix's words (`s.`, `test_pub_`, `API-`) is what must look random.
  const body = format.loose ? value.replace(/^(?:[a-z]+[._-])+|^[A-Z]+-/, '') : value;
  if (!vendorValue(value) || (format.loose && !randomBody(body))) return -1;
  candidates.push({ start, end: start + value.length, kind: format.kind, priority: 2 });
  return start + value.length;
}

function contextTokens(text: string, candidates: Candidate[]): void {
  for (const rule of contextRules) {
    if (rule.requires !== undefined && !text.includes(rule.requires)) continue;
    rule.pattern.lastIndex = 0;
    for (let match = rule.pattern.exec(text); match; match = rule.pattern.exec(text)) {
      const value = match[rule.group];
      const span = match.indices?.[rule.group];
      if (value === undefined || !span || !rule.accept(value, match, text)) continue;
      const start = rule.startGroup === undefined ? span[0] : match.indices![rule.startGroup]![0];
      candidates.push({ start, end: span[1], kind: rule.kind, priority: rule.priority });
    }
  }
  kubernetesSecretValues(text, (start, end) => candidates.push({ start, end, kind: 'KUBERNETES_SECRET', priority: 1 }));
}

/** Words that may make a name secret-looking; `nameVerdict` decides. Cheap to scan for. */
const nameKeyword = /pass|pwd|secret|token|key|auth|credential|creds|bearer|client_?id|dsn|sid\b|login|consumer/gi;
const isNameChar = (code: number) =>
  (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 46 || code === 36 || code === 45;

/** Tried at the start of each name that holds a keyword: name, separator, then a quoted or bare value. */
const assignmentAt = new RegExp(
  // the name, optionally quoted as in JSON or a dict
  // (spaces before a `]` belong to it, so two runs of spaces never compete: that would be quadratic)
  '(["\']?)([\\w.$-]+)\\1(?:[ \\t]*\\])?' +
    // a declared type before a spaced `=`: `apiKey: string =`, `API_KEY: &str =`, Go's `apiKey string =`
    '(?:[ \\t]*:[ \\t]*&?(?:\\\'static[ \\t]+)?[A-Za-z_][\\w.[\\]|?]*(?:<[^>\\r\\n]{0,30}>)?(?=[ \\t]+\\??=[ \\t])|[ \\t]+string(?=[ \\t]+=[ \\t]))?[ \\t]*' +
    // `==` only as a spaced comparison, so base64 padding (`Ij48Pw== KG51`) is no assignment; a comma
    // only after a quoted first argument, as in `os.Setenv("STRIPE_TOKEN", "…")` (the value must be
    // quoted too); `||` and `??` give a literal fallback; a space only before a quoted value or after
    // a flag (checked in code)
    '(:=|\\?=|=>|\\|\\||\\?\\?|=(?!=)|(?<=\\s)={2,3}|!==?|:|<-|,(?<=\\([ \\t]*["\'][\\w.$-]+["\'][ \\t]*,)|(?<=[\\w\'"])[ \\t]+(?=[^ \\t]))[ \\t]*' +
    // a literal wrapped once in a conversion, as in Rust's String::from("…") or Python's b"…"
    '(?:(?:String::from|[A-Z]\\w*::new|Some|Secret\\w*|String|str|bytes|\\[\\]byte|Buffer\\.from|new String)\\([ \\t]*|b(?=["\']))?' +
    '(?:"((?:[^"\\\\\\r\\n]|\\\\.){0,1000})"|\'((?:[^\'\\\\\\r\\n]|\\\\.){0,1000})\'|`([^`\\\\\\r\\n$]{0,1000})`|([^\\s"\'`,;#{}()[\\]<>|]{1,1000}))',
  'y',
);

/**
 * The arguments of a call whose name announces a secret (`setApiKey("…")`, `new NetworkCredential("ops", "…")`),
 * or a tuple or list assigned to such a name (`session.auth = ("admin", "…")`).
 */
const callArgument = String.raw`[ \t]*(?:"(?:[^"\\\r\n]|\\.){0,300}"|'(?:[^'\\\r\n]|\\.){0,300}'|[\w.$]{1,80})[ \t]*`;
const callArguments = new RegExp(String.raw`[ \t]*(?:(?:=|:|=>)[ \t]*)?(?:\((?:${callArgument}(?:,${callArgument}){0,5})?\)|\[(?:${callArgument}(?:,${callArgument}){0,5})?\])`, 'y');
/** What a literal handed to a call may hold to count: a key or a password, not a pattern or a message. */
const argumentValue = /^[\w\-+/=.~!@#$%^&*?:,;]+$/;
const quotedArgument = /"((?:[^"\\\r\n]|\\.){1,300})"|'((?:[^'\\\r\n]|\\.){1,300})'/dg;

/** XML elements and .NET appSettings entries: `<password>…</password>`, `<add key="ApiKey" value="…"/>`, `<string name="api_key">…</string>`. */
const xmlNamedValues: readonly RegExp[] = [
  /<([\w:.-]*?(?:pass|pwd|secret|token|key|auth|credential)[\w:.-]*)(?:\s[^>]*)?>([^<\s]{6,1000})<\/\1>/dgi,
  /<add\s+key="([^"]+)"\s+value="([^"\s]{6,1000})"/dgi,
  // Android resources, Java properties XML, Maven settings: the name sits in an attribute.
  /<(?:string|item|entry|property|param|setting)\s+(?:name|key)="([^"]+)"[^>]*>([^<\s]{6,1000})</dgi,
];
/** Name and value apart: Terraform variable defaults, Kubernetes and Compose `env`, ECS task definitions. */
const nameValuePairs: readonly RegExp[] = [
  /variable[ \t]+"([\w-]+)"[ \t]*\{[^}]{0,300}?\bdefault[ \t]*=[ \t]*"([^"\r\n]{1,1000})"/dg,
  /\bname:[ \t]*["']?([\w.-]+)["']?[ \t]*\r?\n[ \t]*value:[ \t]*(?:"([^"\r\n]{1,1000})"|'([^'\r\n]{1,1000})'|([^\s#'"]{1,1000}))/dg,
  /"name"\s*:\s*"([\w.-]+)"\s*,\s*"value"\s*:\s*"([^"\r\n]{1,1000})"/dg,
];

/** After a name: a call's or a list's opening, possibly assigned (`(`, `= [`, `: (`). */
const callOpening = /[ \t]*((?:=|:|=>)[ \t]*)?[([]/y;
/** After a bare value: a call or a fallback, whose inside may hold the literal. */
const fallbackOrCall = /[ \t]*(?:\(|\|\||\?\?)/y;

/** The group that captured the value in `assignmentAt`: 4, 5 and 6 are quoted, 7 is bare. */
function assignedValue(match: RegExpExecArray): { group: number; quoted: boolean } | undefined {
  for (const group of [4, 5, 6, 7]) {
    if (match[group] !== undefined) return { group, quoted: group !== 7 };
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

/** `NAME=value` at the start of a line, as in .env files and shell: a bare value there is a literal, dots and all. */
function isEnvLine(text: string, nameStart: number, match: RegExpExecArray): boolean {
  if (match[3] !== '=' || !/^[A-Z][A-Z0-9_]*=/.test(match[0])) return false;
  let i = nameStart - 1;
  while (i >= 0 && (text.charAt(i) === ' ' || text.charAt(i) === '\t')) i--;
  if (i >= 6 && text.slice(i - 5, i + 1) === 'export') i -= 6;
  while (i >= 0 && (text.charAt(i) === ' ' || text.charAt(i) === '\t')) i--;
  return i < 0 || text.charAt(i) === '\n';
}

/** `-e NAME=…`, `--build-arg NAME=…`, `--set name=…`: an assignment handed to a command as one argument. */
function isFlagArgument(text: string, nameStart: number): boolean {
  return /(?:^|\s)(?:-e|--env|--build-arg|--set(?:-string)?|-var|--var|--secret)[ \t]+$/.test(text.slice(Math.max(0, nameStart - 16), nameStart));
}

/**
 * A name and a value separated by spaces only: `#define API_KEY "…"`, `setx TOKEN "…"`, `--api-key …`,
 * and `.netrc`'s `password …`. Anywhere else a space between two words is prose or code.
 */
function spacedValueCounts(text: string, match: RegExpExecArray): boolean {
  const name = match[2]!;
  // Quotes, not backticks: prose in comments and Markdown puts code in backticks after any word.
  if (match[4] !== undefined || match[5] !== undefined || name.startsWith('--')) return true;
  if (!/^(?:password|passwd)$/i.test(name)) return false;
  const lineStart = lineStartWithin(text, match.index, 400);
  const netrc = /\b(?:machine|login)\s+\S+\s+$/.test(text.slice(Math.max(0, lineStart - 200), match.index));
  return netrc && /^\s*(?:machine\s+\S+\s+)?(?:login\s+\S+\s+)?$/.test(text.slice(lineStart, match.index)) && endsBareValue(text, match.index + match[0].length);
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

function namedValue(text: string, candidates: Candidate[], verdict: NameVerdict, value: string, start: number, quoted: boolean): void {
  if (!looksLikeSecretValue(value, verdict, quoted) || isPublicSearchKey(text, start, value)) return;
  candidates.push({ start, end: start + value.length, kind: verdict.kind, priority: 0 });
}

/** `?token=…` in a status badge's URL (Codecov, Shields and the like): a token meant to be published. */
function isBadgeParameter(text: string, nameStart: number): boolean {
  const before = text.charAt(nameStart - 1);
  if (before !== '?' && before !== '&' && before !== ';') return false;
  const url = text.slice(Math.max(0, nameStart - 300), nameStart);
  const scheme = url.lastIndexOf('://');
  return scheme >= 0 && /badge|shields\.io|\/graph\/|\.svg\b|\.png\b/i.test(url.slice(scheme));
}

/**
 * Algolia's search-only keys are public by design and sit in every DocSearch and Docusaurus
 * config next to `indexName`; admin keys have the same shape but are not configured that way.
 */
function isPublicSearchKey(text: string, start: number, value: string): boolean {
  if (!/^[0-9a-f]{32}$/.test(value)) return false;
  const around = text.slice(Math.max(0, start - 300), start + 300);
  return /\bindexName\b|\bdocsearch\b/i.test(around) && !/admin/i.test(text.slice(Math.max(0, start - 40), start));
}

/** Literals passed to a call whose name announces a secret; returns where the call ends, or -1. */
function callLiterals(text: string, candidates: Candidate[], name: string | NameVerdict, nameEnd: number): number {
  callArguments.lastIndex = nameEnd;
  const call = callArguments.exec(text);
  // Most calls pass no literal: the name is only judged when one is passed.
  if (!call || !/["']/.test(call[0])) return -1;
  const verdict = typeof name === 'string' ? nameVerdict(name) : name;
  if (!verdict) return -1;
  quotedArgument.lastIndex = 0;
  for (let literal = quotedArgument.exec(call[0]); literal; literal = quotedArgument.exec(call[0])) {
    const group = literal[1] !== undefined ? 1 : 2;
    const value = literal[group]!;
    // Algorithm names (`aes-256-gcm`, `sha256`, `HS512`) share the argument lists of keys.
    if (!argumentValue.test(value) || /^(?:aes|des|chacha|sha|hs|rs|es|ps|md|blake|hmac)[\w-]*$/i.test(value)) continue;
    if (verdict.weak && /^[0-9a-f]+$/i.test(value)) continue;
    namedValue(text, candidates, verdict, value, nameEnd + literal.indices![group]![0], true);
  }
  return nameEnd + call[0].length;
}

/**
 * Calls that take a key by position: constructors (`new Stripe("…")`, `Twilio(sid, "…")`) and
 * signing functions (`jwt.sign(payload, "…")`). Nothing names the literal, so a constructor's
 * must be a long random key; a signing function's is its secret by definition.
 */
const constructorCall = /\b(?:new[ \t]+[A-Z][\w.]*|[A-Z][a-z][A-Za-z0-9]*)(?=[ \t]*\()/g;
const signingCall = /\b(?:jwt\.(?:sign|verify|encode|decode)|create(?:Hmac|Cipheriv|Decipheriv)|hmac\.new)(?=[ \t]*\()/g;
/** A constructor's key is a long literal; a text without one needs no look at its constructors. */
const longLiteral = /["'][\w\-+/=.~!@#$%^&*?:,;]{20,}["']/;
const constructorArgument: NameVerdict = { kind: 'SECRET', vendor: false, weak: true };
const signingKey: NameVerdict = { kind: 'SECRET', vendor: false };

function positionalKeys(text: string, candidates: Candidate[]): void {
  signingCall.lastIndex = 0;
  for (let call = signingCall.exec(text); call; call = signingCall.exec(text)) {
    const end = call.index + call[0].length;
    signingCall.lastIndex = Math.max(end, callLiterals(text, candidates, signingKey, end));
  }
  if (!longLiteral.test(text)) return;
  constructorCall.lastIndex = 0;
  for (let call = constructorCall.exec(text); call; call = constructorCall.exec(text)) {
    const callee = call[0];
    // `new PublicKey("…")`, `new Hash("…")`: the callee says the literal is no secret.
    if (/Public|Hash|Digest|Id\b|Uuid|Guid|Color|Date|Url|Uri|Path|Regex|RegExp|Error|Exception|Message|Text|Label/.test(callee)) continue;
    const end = call.index + callee.length;
    constructorCall.lastIndex = Math.max(end, callLiterals(text, candidates, constructorArgument, end));
  }
}

function namedValues(text: string, candidates: Candidate[]): void {
  nameKeyword.lastIndex = 0;
  for (let hit = nameKeyword.exec(text); hit; hit = nameKeyword.exec(text)) {
    let start = hit.index;
    while (start > 0 && isNameChar(text.charCodeAt(start - 1))) start--;
    let end = hit.index + hit[0].length;
    while (end < text.length && isNameChar(text.charCodeAt(end))) end++;
    // One look per name, however many keywords it holds (`secret_token_key`).
    nameKeyword.lastIndex = end;
    callOpening.lastIndex = end;
    const opening = callOpening.exec(text);
    if (opening) {
      const name = text.slice(start, end);
      // A list or tuple counts under a name whose last word is the secret (`auth = ("ops", "…")`),
      // not one that lists variants of it (`token_variants = ['+i6t-inline']`).
      const assigned = opening[1] !== undefined;
      if (!assigned || secretKindOfName(name.replace(/^.*?([A-Za-z0-9]+)$/, '$1')) !== undefined) {
        nameKeyword.lastIndex = Math.max(end, callLiterals(text, candidates, name, end));
      }
      continue;
    }
    const match = matchAssignment(text, start);
    if (!match) continue;
    const valueGroup = assignedValue(match);
    // The value is no name (`arn:…:secret:prod` holds no assignment), unless it is a callee or a
    // reference with a fallback to look at next (`HTTPBasicAuth("ops", "…")`, `process.env.API_KEY || "…"`).
    const matchEnd = match.index + match[0].length;
    fallbackOrCall.lastIndex = matchEnd;
    const lookInside = valueGroup?.quoted === false && fallbackOrCall.test(text);
    // The value ends the match (before its closing quote, if quoted): no need for match indices.
    const valueEnd = valueGroup?.quoted ? matchEnd - 1 : matchEnd;
    const valueStart = valueGroup ? valueEnd - match[valueGroup.group]!.length : matchEnd;
    nameKeyword.lastIndex = lookInside ? Math.max(end, valueStart) : Math.max(end, matchEnd);
    const verdict = nameVerdict(match[2] ?? '');
    if (!verdict || !valueGroup || isBadgeParameter(text, match.index)) continue;
    const separator = match[3]!;
    // A comma or a fallback (`process.env.API_KEY || "…"`) counts only before a literal.
    if ((separator === ',' || separator === '||' || separator === '??') && !valueGroup.quoted) continue;
    if (/^[ \t]+$/.test(separator) && !spacedValueCounts(text, match)) continue;
    // Command-line flags (`--password=…`, `docker run -e TOKEN=…`) take a bare value followed by more arguments.
    if (!valueGroup.quoted && !match[2]!.startsWith('-') && !isFlagArgument(text, match.index) && !endsBareValue(text, valueEnd)) continue;
    // In `.env` and shell lines a bare value is a literal even when it looks like code (`pk.eyJ…`).
    const literal = valueGroup.quoted || isEnvLine(text, match.index, match);
    namedValue(text, candidates, verdict, match[valueGroup.group]!, valueStart, literal);
  }
  for (const pattern of [...xmlNamedValues, ...nameValuePairs]) {
    // All of them need a closing tag, a `value` or a `default`: most code has none of these.
    if (!text.includes('</') && !text.includes('value') && !text.includes('default')) break;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      const verdict = nameVerdict(match[1]!);
      const group = [2, 3, 4].find((index) => match[index] !== undefined);
      if (!verdict || group === undefined) continue;
      namedValue(text, candidates, verdict, match[group]!, match.indices![group]![0], true);
    }
  }
}

/**
 * Every secret in `text`, in order, without overlaps. On overlap the more specific detector wins
 * (a JWT assigned to `token` is a JWT), then the longer match.
 */
export function findSecrets(text: string): SecretMatch[] {
  const candidates: Candidate[] = [];
  vendorTokens(text, candidates);
  contextTokens(text, candidates);
  namedValues(text, candidates);
  positionalKeys(text, candidates);
  return resolveOverlaps(candidates);
}

function resolveOverlaps(candidates: Candidate[]): SecretMatch[] {
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
