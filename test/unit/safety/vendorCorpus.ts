/**
 * The larger detector corpus: secrets of about 120 vendors' documented token formats, generic
 * named secrets, secrets passed as arguments, `curl -u`, URL credentials and Kubernetes Secrets,
 * each placed in realistic lines of many languages and file types, and hard negatives that look
 * like secrets but are not. Values come from a seeded PRNG, so no live-looking key is committed.
 *
 * Two parts: `dev`, which the detector was tuned on, and `heldout`, whose contexts, variable
 * names and seeds were written before tuning and set aside (the vendor formats are shared: they
 * are what the detector's rules are written from). Shared by the unit tests and bench/secrets.ts.
 */
import { type CorpusSample, Generator } from './secretCorpus.ts';

export type CorpusPart = 'dev' | 'heldout';

const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const lower = 'abcdefghijklmnopqrstuvwxyz';
const digits = '0123456789';
const alnum = upper + lower + digits;
const lowerAlnum = lower + digits;
const upperAlnum = upper + digits;
const hex = '0123456789abcdef';
const b64 = alnum + '+/';
const b64url = alnum + '-_';

interface VendorFormat {
  /** The family a sample is scored under: one vendor, or one vendor's token type. */
  readonly family: string;
  /** The vendor as it appears in variable names (`GRAFANA_TOKEN`, `grafanaApiKey`). */
  readonly vendor: string;
  readonly make: (g: Generator) => string;
  /** The prefix alone says what it is: also placed where no name gives it away. */
  readonly standalone: boolean;
  /** The part that must not survive, when the value is a URL around the secret. */
  readonly secretOf?: (value: string) => string;
}

const v = (family: string, vendor: string, make: (g: Generator) => string, standalone = true, secretOf?: (value: string) => string): VendorFormat => ({
  family,
  vendor,
  make,
  standalone,
  secretOf,
});
/** The path after a webhook host's fixed part, or the user part of a DSN. */
const afterMarker = (marker: string) => (value: string) => value.slice(value.indexOf(marker) + marker.length);

/** From the vendors' documentation of their key formats. */
const vendorFormats: readonly VendorFormat[] = [
  v('AWS_ACCESS_KEY', 'aws', (g) => g.pick(['AKIA', 'ASIA']) + g.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)),
  v('AWS_BEDROCK', 'bedrock', (g) => 'ABSK' + g.chars(b64, 132)),
  v('GCP_API_KEY', 'google', (g) => 'AIza' + g.chars(b64url, 35)),
  v('GCP_OAUTH', 'google', (g) => g.pick(['GOCSPX-' + g.chars(b64url, 28), 'ya29.' + g.chars(b64url, 120), '1//0' + g.chars(b64url, 60)])),
  v('AZURE_CLIENT_SECRET', 'azure', (g) => `${g.chars(alnum, 3)}${g.chars(digits, 1)}Q~${g.chars(alnum + '_~.-', 34)}`),
  v('ALIBABA', 'alibaba', (g) => 'LTAI' + g.chars(alnum, 20)),
  v('TENCENT', 'tencent', (g) => 'AKID' + g.chars(alnum, 32)),
  v('YANDEX', 'yandex', (g) => 'AQVN' + g.chars(b64url, 36)),
  v('DIGITALOCEAN', 'digitalocean', (g) => g.pick(['dop_v1_', 'doo_v1_', 'dor_v1_']) + g.chars(hex, 64)),
  v('CLOUDFLARE_ORIGIN_CA', 'cloudflare', (g) => `v1.0-${g.chars(hex, 24)}-${g.chars(hex, 146)}`),
  v('CLOUDFLARE_API', 'cloudflare', (g) => g.chars(alnum + '_-', 40), false),
  v('SCALINGO', 'scalingo', (g) => 'tk-us-' + g.chars(b64url, 48)),
  v('FLYIO', 'fly', (g) => g.pick(['fo1_' + g.chars(b64url, 43), 'FlyV1 fm2_' + g.chars(b64, 180), 'fm1r_' + g.chars(b64, 140)])),
  v('HEROKU', 'heroku', (g) => g.pick(['HRKU-AA' + g.chars(b64url, 58), g.uuid()]), false),
  v('HEROKU_V2', 'heroku', (g) => 'HRKU-AA' + g.chars(b64url, 58)),
  v('NETLIFY', 'netlify', (g) => 'nfp_' + g.chars(alnum, 36)),
  v('RENDER', 'render', (g) => 'rnd_' + g.chars(alnum, 32)),
  v('SUPABASE', 'supabase', (g) => 'sbp_' + g.chars(hex, 40)),
  v('NEON', 'neon', (g) => 'napi_' + g.chars(lowerAlnum, 64)),
  v('PLANETSCALE', 'planetscale', (g) => g.pick(['pscale_tkn_', 'pscale_pw_', 'pscale_oauth_']) + g.chars(b64url, 43)),
  v('DOCKER_HUB', 'docker', (g) => 'dckr_pat_' + g.chars(b64url, 27)),
  v('OPENSHIFT', 'openshift', (g) => 'sha256~' + g.chars(b64url, 43)),
  v('GITHUB', 'github', (g) => g.pick([() => g.pick(['ghp_', 'gho_', 'ghs_', 'ghu_', 'ghr_']) + g.chars(alnum, 36), () => `github_pat_${g.chars(alnum, 22)}_${g.chars(alnum, 59)}`])()),
  v('GITLAB', 'gitlab', (g) =>
    g.pick([
      () => 'glpat-' + g.chars(b64url, 20),
      () => 'glptt-' + g.chars(hex, 40),
      () => g.pick(['gldt-', 'glrt-', 'glsoat-', 'glft-', 'glffct-']) + g.chars(b64url, 20),
      () => 'glimt-' + g.chars(b64url, 25),
      () => 'glagent-' + g.chars(b64url, 50),
      () => 'gloas-' + g.chars(b64url, 64),
      () => `glcbt-${g.chars(alnum, 2)}_${g.chars(b64url, 20)}`,
      () => 'GR1348941' + g.chars(b64url, 20),
      () => `glpat-${g.chars(b64url, 36)}.01.${g.chars(lowerAlnum, 9)}`,
    ])(),
  ),
  v('BITBUCKET', 'bitbucket', (g) => 'ATBB' + g.chars(alnum, 32)),
  v('ATLASSIAN', 'atlassian', (g) => 'ATATT3' + g.chars(b64url, 186)),
  v('JIRA', 'jira', (g) => g.chars(lowerAlnum, 24), false),
  v('NPM', 'npm', (g) => 'npm_' + g.chars(alnum, 36)),
  v('PYPI', 'pypi', (g) => 'pypi-AgEIcHlwaS5vcmc' + g.chars(b64url, 70)),
  v('RUBYGEMS', 'rubygems', (g) => 'rubygems_' + g.chars(hex, 48)),
  v('CLOJARS', 'clojars', (g) => 'CLOJARS_' + g.chars(lowerAlnum, 60)),
  v('NUGET', 'nuget', (g) => 'oy2' + g.chars(lowerAlnum, 43)),
  v('ARTIFACTORY', 'artifactory', (g) => g.pick(['AKCp' + g.chars(alnum, 69), 'cmVmd' + g.chars(alnum, 59)])),
  v('CIRCLECI', 'circleci', (g) => `CCIPAT_${g.chars(alnum, 22)}_${g.chars(hex, 40)}`),
  v('BUILDKITE', 'buildkite', (g) => 'bkua_' + g.chars(hex, 40)),
  v('TERRAFORM', 'terraform', (g) => `${g.chars(alnum, 14)}.atlasv1.${g.chars(b64url, 67)}`),
  v('PULUMI', 'pulumi', (g) => 'pul-' + g.chars(hex, 40)),
  v('DOPPLER', 'doppler', (g) => g.pick(['dp.pt.', 'dp.st.', 'dp.sa.', 'dp.ct.']) + g.chars(alnum, 43)),
  v('VAULT', 'vault', (g) => g.pick(['hvs.' + g.chars(b64url, 95), 'hvb.' + g.chars(b64url, 140), 's.' + g.chars(lower, 8) + g.chars(upper, 8) + g.chars(digits, 4) + g.chars(alnum, 4)])),
  v('ONEPASSWORD', 'op', (g) =>
    g.pick([
      () => 'ops_eyJ' + g.chars(b64, 260),
      () => `A3-${g.chars(upperAlnum, 6)}-${g.chars(upperAlnum, 11)}-${g.chars(upperAlnum, 5)}-${g.chars(upperAlnum, 5)}-${g.chars(upperAlnum, 5)}`,
      () => `A3-${g.chars(upperAlnum, 6)}-${g.chars(upperAlnum, 6)}-${g.chars(upperAlnum, 5)}-${g.chars(upperAlnum, 5)}-${g.chars(upperAlnum, 5)}-${g.chars(upperAlnum, 5)}`,
    ])(),
  ),
  v('AGE', 'age', (g) => 'AGE-SECRET-KEY-1' + g.chars('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58)),
  v('PREFECT', 'prefect', (g) => 'pnu_' + g.chars(alnum, 36)),
  v('POSTMAN', 'postman', (g) => `PMAK-${g.chars(hex, 24)}-${g.chars(hex, 34)}`),
  v('README', 'readme', (g) => 'rdme_' + g.chars(lowerAlnum, 70)),
  v('SONAR', 'sonar', (g) => g.pick(['squ_', 'sqp_', 'sqa_']) + g.chars(hex, 40)),
  v('SOURCEGRAPH', 'sourcegraph', (g) => `sgp_${g.chars(hex, 16)}_${g.chars(hex, 40)}`),
  v('HARNESS', 'harness', (g) => `pat.${g.chars(b64url, 22)}.${g.chars(alnum, 24)}.${g.chars(alnum, 20)}`),
  v('AIRTABLE', 'airtable', (g) => `pat${g.chars(alnum, 14)}.${g.chars(hex, 64)}`),
  v('INFRACOST', 'infracost', (g) => 'ico-' + g.chars(alnum, 32)),
  v('LINEAR', 'linear', (g) => 'lin_api_' + g.chars(alnum, 40)),
  v('NOTION', 'notion', (g) => g.pick(['ntn_' + g.chars(digits, 11) + g.chars(alnum, 35), 'secret_' + g.chars(alnum, 43)])),
  v('TYPEFORM', 'typeform', (g) => 'tfp_' + g.chars(b64url, 59)),
  v('FIGMA', 'figma', (g) => 'figd_' + g.chars(b64url, 40)),
  v('FRAMEIO', 'frameio', (g) => 'fio-u-' + g.chars(b64url, 64)),
  v('ADOBE', 'adobe', (g) => 'p8e-' + g.chars(alnum, 32)),
  v('DROPBOX', 'dropbox', (g) => 'sl.' + g.chars(b64url, 135)),
  v('CONTENTFUL', 'contentful', (g) => 'CFPAT-' + g.chars(b64url, 43)),
  v('SETTLEMINT', 'settlemint', (g) => g.pick(['sm_aat_', 'sm_pat_', 'sm_sat_']) + g.chars(alnum, 16)),
  v('CLICKHOUSE', 'clickhouse', (g) => '4b1d' + g.chars(alnum, 38)),
  v('LAUNCHDARKLY', 'launchdarkly', (g) => g.pick(['sdk-', 'mob-']) + g.uuid()),
  v('TELNYX', 'telnyx', (g) => `KEY${g.chars('0123456789ABCDEF', 32)}_${g.chars(alnum, 22)}`),
  v('FIREBASE_FCM', 'fcm', (g) => `AAAA${g.chars(b64url, 7)}:APA91b${g.chars(b64url, 134)}`),
  v('ANYSCALE', 'anyscale', (g) => 'esecret_' + g.chars(lowerAlnum, 26)),
  v('JINA', 'jina', (g) => `jina_${g.chars(hex, 32)}${g.chars(b64url, 28)}`),
  // Observability
  v('GRAFANA', 'grafana', (g) => g.pick(['glc_' + g.chars(b64, 60) + '=', `glsa_${g.chars(alnum, 32)}_${g.chars(hex, 8)}`, 'eyJrIjoi' + g.chars(alnum, 90)])),
  v('SENTRY', 'sentry', (g) => g.pick(['sntryu_' + g.chars(hex, 64), 'sntrys_eyJpYXQiOjE3MDAwMDAwMDAsInVybCI6Imh0dHBzOi8vc2VudHJ5LmlvIiwicmVnaW9uX3VybCI6' + g.chars(b64, 40) + '_' + g.chars(b64, 43)])),
  v('SENTRY_DSN', 'sentry', (g) => `https://${g.chars(hex, 32)}@o${g.int(100000, 999999)}.ingest.sentry.io/${g.int(1000000, 9999999)}`, true, (value) => value.slice(8, 40)),
  v('NEW_RELIC', 'newrelic', (g) => g.pick(['NRAK-' + g.chars(upperAlnum, 27), 'NRII-' + g.chars(alnum + '-', 32), 'NRJS-' + g.chars(hex, 19)])),
  v('DATADOG', 'datadog', (g) => g.chars(hex, g.pick([32, 40])), false),
  v('DYNATRACE', 'dynatrace', (g) => `dt0c01.${g.chars(upperAlnum, 24)}.${g.chars(upperAlnum, 64)}`),
  v('HONEYCOMB', 'honeycomb', (g) => 'hcaik_' + g.chars(lowerAlnum, 58)),
  v('SUMOLOGIC', 'sumo', (g) => g.chars(alnum, 64), false),
  // Payments and commerce
  v('STRIPE', 'stripe', (g) => g.pick(['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_']) + g.chars(alnum, g.pick([24, 99]))),
  v('STRIPE_WEBHOOK', 'stripe', (g) => 'whsec_' + g.chars(alnum, 32)),
  v('SQUARE', 'square', (g) => g.pick(['sq0atp-' + g.chars(b64url, 22), 'sq0csp-' + g.chars(b64url, 43), 'EAAA' + g.chars(b64url, 60)])),
  v('FACEBOOK', 'facebook', (g) => g.pick(['EAAC' + g.chars(alnum, 160), `${g.chars(digits, 15)}|${g.chars(b64url, 27)}`])),
  v('FACEBOOK_SECRET', 'facebook', (g) => g.chars(hex, 32), false),
  // The secret is what follows the fixed `access_token$production$` (names and YAML keys spell those words too).
  v('PAYPAL', 'paypal', (g) => `access_token$production$${g.chars(lowerAlnum, 16)}$${g.chars(hex, 32)}`, true, afterMarker('$production$')),
  v('SHOPIFY', 'shopify', (g) => g.pick(['shpat_', 'shpca_', 'shppa_', 'shpss_']) + g.chars(hex, 32)),
  v('FLUTTERWAVE', 'flutterwave', (g) => g.pick([`FLWSECK_TEST-${g.chars(hex, 32)}-X`, `FLWPUBK_TEST-${g.chars(hex, 32)}-X`, `FLWSECK_TEST-${g.chars(hex, 12)}`, `FLWSECK-${g.chars(hex, 32)}-X`])),
  v('EASYPOST', 'easypost', (g) => g.pick(['EZAK', 'EZTK']) + g.chars(alnum, 54)),
  v('SHIPPO', 'shippo', (g) => g.pick(['shippo_live_', 'shippo_test_']) + g.chars(hex, 40)),
  v('DUFFEL', 'duffel', (g) => g.pick(['duffel_test_', 'duffel_live_']) + g.chars(b64url, 43)),
  v('LOB', 'lob', (g) => g.pick(['live_', 'test_']) + g.pick(['', 'pub_']) + g.chars(hex, 31)),
  v('RAZORPAY', 'razorpay', (g) => g.pick(['rzp_live_', 'rzp_test_']) + g.chars(alnum, 14)),
  v('MOLLIE', 'mollie', (g) => g.pick(['live_', 'test_']) + g.chars(alnum, 30)),
  v('GOCARDLESS', 'gocardless', (g) => g.pick(['live_', 'sandbox_']) + g.chars(b64url, 40)),
  v('PLAID', 'plaid', (g) => `access-${g.pick(['sandbox', 'production'])}-${g.uuid()}`),
  v('COINBASE', 'coinbase', (g) => g.chars(b64url, 64), false),
  v('MAXMIND', 'maxmind', (g) => `${g.chars(alnum, 6)}_${g.chars(alnum, 29)}_mmk`),
  // Messaging and communication
  v('SLACK', 'slack', (g) => g.pick([`${g.pick(['xoxb', 'xoxp', 'xoxa', 'xoxe'])}-${g.chars(digits, 12)}-${g.chars(digits, 13)}-${g.chars(alnum, 24)}`, `xapp-1-A${g.chars(upperAlnum, 10)}-${g.chars(digits, 13)}-${g.chars(hex, 64)}`])),
  v('SLACK_WEBHOOK', 'slack', (g) => `https://hooks.slack.com/services/T${g.chars(upperAlnum, 8)}/B${g.chars(upperAlnum, 10)}/${g.chars(alnum, 24)}`, true, afterMarker('/services/')),
  v('DISCORD', 'discord', (g) => `M${g.chars(alnum, 23)}.${g.chars(b64url, 6)}.${g.chars(b64url, 38)}`),
  v('DISCORD_WEBHOOK', 'discord', (g) => `https://discord.com/api/webhooks/${g.chars(digits, 18)}/${g.chars(b64url, 68)}`, true, afterMarker('/webhooks/')),
  v('DISCORD_CLIENT', 'discord', (g) => g.chars(alnum + '_-', 32), false),
  v('TEAMS_WEBHOOK', 'teams', (g) => `https://acme.webhook.office.com/webhookb2/${g.uuid()}@${g.uuid()}/IncomingWebhook/${g.chars(hex, 32)}/${g.uuid()}`, true, afterMarker('/webhookb2/')),
  v('TELEGRAM', 'telegram', (g) => `${g.chars(digits, 10)}:AA${g.chars(b64url, 33)}`),
  v('TWILIO', 'twilio', (g) => 'SK' + g.chars(hex, 32)),
  v('TWILIO_AUTH', 'twilio', (g) => g.chars(hex, 32), false),
  v('SENDGRID', 'sendgrid', (g) => `SG.${g.chars(b64url, 22)}.${g.chars(b64url, 43)}`),
  v('BREVO', 'brevo', (g) => `xkeysib-${g.chars(hex, 64)}-${g.chars(alnum, 16)}`),
  v('MAILGUN', 'mailgun', (g) => g.pick(['key-', 'pubkey-']) + g.chars(hex, 32)),
  v('MAILCHIMP', 'mailchimp', (g) => `${g.chars(hex, 32)}-us${g.int(1, 21)}`),
  v('MAILERSEND', 'mailersend', (g) => 'mlsn.' + g.chars(hex, 64)),
  v('TWITTER', 'twitter', (g) => g.pick([g.chars(alnum, 25), g.chars(alnum, 50), `${g.chars(digits, 19)}-${g.chars(alnum, 31)}`, 'AAAAAAAAAAAAAAAAAAAAA' + g.chars(alnum, 80)]), false),
  v('TWITCH', 'twitch', (g) => g.chars(lowerAlnum, 30), false),
  v('ZENDESK', 'zendesk', (g) => g.chars(alnum, 40), false),
  v('INTERCOM', 'intercom', (g) => g.chars(b64url, 60), false),
  v('HUBSPOT', 'hubspot', (g) => g.pick([g.uuid(), 'pat-na1-' + g.uuid()]), false),
  v('ALGOLIA_ADMIN', 'algolia', (g) => g.chars(hex, 32), false),
  v('ASANA', 'asana', (g) => g.pick([g.chars(digits, 16), g.chars(lowerAlnum, 32)]), false),
  v('OKTA', 'okta', (g) => '00' + g.chars(b64url, 40), false),
  // AI providers
  v('OPENAI', 'openai', (g) => g.pick(['sk-proj-' + g.chars(b64url, 156), 'sk-svcacct-' + g.chars(b64url, 120), 'sk-' + g.chars(alnum, 20) + 'T3BlbkFJ' + g.chars(alnum, 20), 'sk-admin-' + g.chars(b64url, 120)])),
  v('ANTHROPIC', 'anthropic', (g) => g.pick(['sk-ant-api03-', 'sk-ant-admin01-']) + g.chars(b64url, 93) + 'AA'),
  v('OPENROUTER', 'openrouter', (g) => 'sk-or-v1-' + g.chars(hex, 64)),
  v('DEEPSEEK', 'deepseek', (g) => 'sk-' + g.chars(hex, 32)),
  v('HUGGINGFACE', 'huggingface', (g) => g.pick(['hf_' + g.chars(upper + lower, 34), 'api_org_' + g.chars(upper + lower, 34)])),
  v('GROQ', 'groq', (g) => 'gsk_' + g.chars(alnum, 52)),
  v('XAI', 'xai', (g) => 'xai-' + g.chars(alnum, 80)),
  v('REPLICATE', 'replicate', (g) => 'r8_' + g.chars(alnum, 37)),
  v('PERPLEXITY', 'perplexity', (g) => 'pplx-' + g.chars(alnum, 48)),
  v('PINECONE', 'pinecone', (g) => `pcsk_${g.chars(alnum, 6)}_${g.chars(alnum, 60)}`),
  v('LANGSMITH', 'langsmith', (g) => `lsv2_${g.pick(['pt', 'sk'])}_${g.chars(hex, 32)}_${g.chars(hex, 10)}`),
  v('TAVILY', 'tavily', (g) => 'tvly-' + g.chars(alnum, 32)),
  v('NVIDIA', 'nvidia', (g) => 'nvapi-' + g.chars(b64url, 64)),
  v('COHERE', 'cohere', (g) => g.chars(alnum, 40), false),
  v('MISTRAL', 'mistral', (g) => g.chars(alnum, 32), false),
  v('DATABRICKS', 'databricks', (g) => 'dapi' + g.chars(hex, 32)),
  v('MAPBOX', 'mapbox', (g) => `${g.pick(['pk', 'sk'])}.eyJ1Ijoi${g.chars(b64url, 40)}.${g.chars(b64url, 22)}`),
  v('JWT', 'jwt', (g) => `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ${g.chars(b64url, 60)}.${g.chars(b64url, 43)}`),
];

const camel = (words: readonly string[]) => words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
const snake = (words: readonly string[]) => words.join('_');
const screaming = (words: readonly string[]) => words.join('_').toUpperCase();

type NamedContext = (words: readonly string[], value: string) => string;

/** Where named values live; the held-out ones were set aside before tuning. */
const namedContexts: Record<CorpusPart, readonly NamedContext[]> = {
  dev: [
    (w, v) => `${screaming(w)}=${v}\n`,
    (w, v) => `export ${screaming(w)}="${v}"`,
    (w, v) => `const ${camel(w)} = "${v}";`,
    (w, v) => `${screaming(w)} = "${v}"`,
    (w, v) => `{\n  "${camel(w)}": "${v}",\n  "region": "us-east-1"\n}`,
    (w, v) => `production:\n  ${snake(w)}: ${v}\n`,
    (w, v) => `    environment:\n      - ${screaming(w)}=${v}\n`,
    (w, v) => `resource "vault_generic_secret" "app" {\n  ${snake(w)} = "${v}"\n}`,
    (w, v) => `private static final String ${screaming(w)} = "${v}";`,
    (w, v) => `os.Setenv("${screaming(w)}", "${v}")`,
    (w, v) => `client = Client(${snake(w)}="${v}", timeout=30)`,
    (w, v) => `cfg := Config{\n\t${camel(w).replace(/^./, (c) => c.toUpperCase())}: "${v}",\n}`,
    (w, v) => `const ${camel(w)}: string = "${v}";`,
    (w, v) => `const ${screaming(w)}: &str = "${v}";`,
    (w, v) => `const ${camel(w)} = process.env.${screaming(w)} || "${v}";`,
    (w, v) => `#define ${screaming(w)} "${v}"`,
    (w, v) => `docker run -e ${screaming(w)}=${v} app:latest`,
    (w, v) => `<string name="${snake(w)}">${v}</string>`,
    (w, v) => `variable "${snake(w)}" {\n  default = "${v}"\n}`,
    (w, v) => `${screaming(w)} ?= ${v}`,
  ],
  heldout: [
    (w, v) => `process.env.${screaming(w)} = "${v}";`,
    (w, v) => `os.environ["${screaming(w)}"] = "${v}"`,
    (w, v) => `Environment.SetEnvironmentVariable("${screaming(w)}", "${v}");`,
    (w, v) => `define('${screaming(w)}', '${v}');`,
    (w, v) => `config.${snake(w)} = '${v}'`,
    (w, v) => `[service]\n${snake(w)} = "${v}"\n`,
    (w, v) => `val ${camel(w)} = "${v}"`,
    (w, v) => `env:\n  - name: ${screaming(w)}\n    value: "${v}"\n`,
    (w, v) => `jobs:\n  deploy:\n    env:\n      ${screaming(w)}: ${v}\n`,
    (w, v) => `let ${camel(w)} = "${v}"`,
    (w, v) => `ENV ${screaming(w)}=${v}`,
    (w, v) => `$env:${screaming(w)} = "${v}"`,
    (w, v) => `app.${w.join('.')}=${v}`,
    (w, v) => `settings = {"${snake(w)}": "${v}", "debug": False}`,
    (w, v) => `System.setProperty("${w.join('.')}", "${v}");`,
    (w, v) => `  ${camel(w)}: '${v}',`,
  ],
};

/** Contexts with no name to go by: only the format gives the token away. */
const neutralContexts: Record<CorpusPart, readonly ((v: string) => string)[]> = {
  dev: [
    (v) => `client := sdk.New("${v}")`,
    (v) => `  # rotated 2024-05-01, old one: ${v}`,
    (v) => `new Client(\n  '${v}',\n);`,
  ],
  heldout: [
    (v) => `curl -s https://api.internal/v1/me -H "X-Custom: ${v}"`,
    (v) => `sdk.init({ credentials: ["${v}"] })`,
    (v) => `| staging | ${v} |`,
  ],
};

/** Variable names for a vendor's credential: the held-out part uses other suffixes. */
const vendorNameSuffixes: Record<CorpusPart, readonly (readonly string[])[]> = {
  dev: [['api', 'key'], ['token'], ['secret'], ['access', 'token']],
  heldout: [['key'], ['auth', 'token'], ['client', 'secret'], ['api', 'token']],
};

interface GenericName {
  readonly words: readonly string[];
  readonly value: (g: Generator) => string;
}

const password = (g: Generator) => g.password();
const randomKey = (g: Generator) => g.pick([() => g.chars(alnum, g.int(24, 40)), () => g.chars(hex, 32), () => g.uuid(), () => g.chars(b64, 44)])();

/** Generic named secrets: no vendor format, the name says what it is. */
const genericNames: Record<CorpusPart, readonly GenericName[]> = {
  dev: [
    { words: ['db', 'password'], value: password },
    { words: ['admin', 'passwd'], value: password },
    { words: ['jwt', 'secret'], value: randomKey },
    { words: ['session', 'secret'], value: randomKey },
    { words: ['encryption', 'key'], value: randomKey },
    { words: ['api', 'key'], value: randomKey },
    { words: ['auth', 'token'], value: randomKey },
    { words: ['webhook', 'secret'], value: randomKey },
    { words: ['acme', 'key'], value: randomKey },
    { words: ['client', 'secret'], value: randomKey },
  ],
  heldout: [
    { words: ['smtp', 'pass'], value: password },
    { words: ['redis', 'password'], value: password },
    { words: ['signing', 'key'], value: randomKey },
    { words: ['master', 'key'], value: randomKey },
    { words: ['private', 'token'], value: randomKey },
    { words: ['app', 'secret'], value: randomKey },
    { words: ['service', 'credentials'], value: randomKey },
    { words: ['widget', 'key'], value: randomKey },
    { words: ['cookie', 'secret'], value: randomKey },
    { words: ['refresh', 'token'], value: randomKey },
  ],
};

function positives(g: Generator, part: CorpusPart): CorpusSample[] {
  const samples: CorpusSample[] = [];
  const add = (kind: string, text: string, secrets: readonly string[]) => samples.push({ kind, text, secrets });
  const contexts = namedContexts[part];
  for (const format of vendorFormats) {
    for (let i = 0; i < 6; i++) {
      const value = format.make(g);
      const name = [...format.vendor.split(/(?=[A-Z])/).map((w) => w.toLowerCase()), ...g.pick(vendorNameSuffixes[part])];
      add(format.family, g.pick(contexts)(name, value), [format.secretOf?.(value) ?? value]);
    }
    if (format.standalone) {
      for (const context of neutralContexts[part]) {
        const value = format.make(g);
        add(format.family, context(value), [format.secretOf?.(value) ?? value]);
      }
    }
  }
  for (const name of genericNames[part]) {
    for (let i = 0; i < 4; i++) {
      const value = name.value(g);
      add('GENERIC_NAMED', g.pick(contexts)(name.words, value), [value]);
    }
  }
  const user = () => g.pick(['deploy', 'svc_orders', 'ci-bot', 'reporting', 'admin', 'app']);
  for (let i = 0; i < 12; i++) {
    const pass = g.password();
    const pair = `${user()}:${pass}`;
    const command =
      part === 'dev'
        ? g.pick([`curl -u ${pair} https://ci.internal/api/json`, `curl -sS --user "${pair}" -X POST https://registry.internal/v2/token`])
        : g.pick([`curl -X GET \\\n  --user=${pair} \\\n  https://nexus.internal/service/rest/v1/status`, `RUN curl -fsSL -u '${pair}' https://artifacts.internal/pkg.tgz | tar xz`]);
    add('CURL_BASIC_AUTH', command, [pass]);
  }
  const schemes = part === 'dev' ? ['postgres', 'mysql', 'mongodb+srv', 'redis', 'amqp'] : ['https', 'ftp', 'rediss', 'postgresql', 'smtp'];
  for (let i = 0; i < 12; i++) {
    const u = g.pick(['app', 'svc_orders', 'deploy-bot', 'replicator', 'readonly_user']);
    const pass = g.password();
    const url = `${g.pick(schemes)}://${u}:${pass}@${g.pick(['db.internal', 'cluster0.ab1cd.mongodb.net', 'mq.prod.internal', '10.0.0.12'])}:${g.int(1000, 9999)}/app`;
    const line = part === 'dev' ? g.pick([`DATABASE_URL=${url}`, `const url = '${url}';`]) : g.pick([`  uri: "${url}"`, `conn = connect("${url}")`]);
    add('URL_CREDENTIALS', line, [`${u}:${pass}`]);
  }
  for (let i = 0; i < 8; i++) {
    const entries = Array.from({ length: g.int(1, 3) }, () => [g.pick(['api-key', 'password', 'token', 'username', 'tls.key', 'DB_PASS']), Buffer.from(g.chars(alnum, g.int(12, 40))).toString('base64')] as const);
    const name = part === 'dev' ? 'app-secrets' : 'payments-credentials';
    const text =
      part === 'dev'
        ? `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\ntype: Opaque\ndata:\n${entries.map(([k, val]) => `  ${k}: ${val}`).join('\n')}\n`
        : `---\nkind: Secret\napiVersion: v1\nmetadata:\n  name: ${name}\n  namespace: prod\ndata:\n${entries.map(([k, val]) => `  ${k}: "${val}"`).join('\n')}\n`;
    add('KUBERNETES_SECRET', text, entries.map(([, val]) => val));
  }
  // Secrets handed to calls and constructors rather than assigned.
  const argumentContexts: readonly ((v: string) => string)[] =
    part === 'dev'
      ? [
          (v) => `var credential = new NetworkCredential("svc-reports", "${v}");`,
          (v) => `client.setApiKey("${v}");`,
          (v) => `auth = HTTPBasicAuth("ops", "${v}")`,
        ]
      : [
          (v) => `const creds = new BasicCredentials('deploy', '${v}');`,
          (v) => `builder.withAuthToken("${v}").build()`,
          (v) => `session.auth = ("admin", "${v}")`,
        ];
  for (const context of argumentContexts) {
    for (let i = 0; i < 4; i++) {
      const value = g.pick([() => g.password(), () => g.chars(alnum, 32)])();
      add('ARGUMENT', context(value), [value]);
    }
  }
  for (let i = 0; i < 8; i++) {
    const key = g.pick(['AKIA', 'ASIA']) + g.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16);
    const secret = g.chars(b64, 40);
    const text = part === 'dev' ? `new BasicAWSCredentials("${key}", "${secret}")` : `AWS.config.update({ credentials: new AWS.Credentials('${key}', '${secret}') });`;
    add('AWS_SECRET_KEY', text, [key, secret]);
  }
  for (let i = 0; i < 8; i++) {
    const token = g.chars(b64url, g.int(32, 60));
    add('BEARER_TOKEN', part === 'dev' ? `curl -H "Authorization: Bearer ${token}" https://api.internal/v1/items` : `req.Header.Set("Authorization", "Bearer ${token}")`, [token]);
  }
  for (let i = 0; i < 6; i++) {
    const lines = Array.from({ length: g.int(4, 12) }, () => g.chars(b64, 64));
    const label = g.pick(['RSA ', 'EC ', 'OPENSSH ', '']);
    const body = `\n${lines.join('\n')}\n`;
    add('PRIVATE_KEY', `-----BEGIN ${label}PRIVATE KEY-----${body}-----END ${label}PRIVATE KEY-----\n`, [body]);
  }
  return samples;
}

/** Look-alikes from real code: each one was a false alarm somewhere, or could be. */
function negatives(g: Generator, part: CorpusPart): CorpusSample[] {
  const samples: CorpusSample[] = [];
  const add = (kind: string, text: string) => samples.push({ kind, text, secrets: [] });
  for (let i = 0; i < 6; i++) {
    add('hard:hash', g.pick([`const hashedPassword = "${g.chars(hex, 64)}";`, `"hashed_password": "${g.chars(hex, 40)}",`, `password_digest: ${g.chars(hex, 64)}`]));
    add('hard:uuid', g.pick([`"requestId": "${g.uuid()}",`, `"Postman-Token": "${g.uuid()}",`, `.header("Postman-Token", "${g.uuid()}")`, `  -H 'Postman-Token: ${g.uuid()}' \\`]));
    add('hard:cursor', g.pick([
      `"confirmationToken": "${Buffer.from(JSON.stringify({ page: g.int(2, 50), size: 50 })).toString('base64url')}"`,
      `nextPageToken: "${Buffer.from(JSON.stringify({ offset: g.int(100, 9000) })).toString('base64')}"`,
      `const cursor = { confirmationToken: "${Buffer.from(JSON.stringify({ after: g.uuid() })).toString('base64url')}" };`,
    ]));
    add('hard:url', g.pick([`assert.throws(() => new URL('http://user:invalid@'), TypeError);`, `'http://:invalid@host.test'`, `ftp://anonymous:guest@ftp.example.com/pub`]));
    add('hard:public-key', g.pick([
      `const publicKey = "${g.chars(b64, 88)}";`,
      `STRIPE_PUBLISHABLE_KEY=pk_live_${g.chars(alnum, 24)}`,
      `recaptchaSiteKey: '6L${g.chars(b64url, 38)}',`,
      `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${g.chars(b64, 43)} dev@laptop`,
    ]));
    add('hard:docsearch', g.pick([
      `docsearch({\n  appId: '${g.chars(upperAlnum, 10)}',\n  apiKey: '${g.chars(hex, 32)}',\n  indexName: 'docs',\n  container: '#search',\n});`,
      `algolia: {\n      appId: '${g.chars(upperAlnum, 10)}',\n      apiKey: '${g.chars(hex, 32)}',\n      indexName: 'my-site',\n    },`,
    ]));
    add('hard:lockfile', `"integrity": "sha512-${g.chars(b64, 86)}=="`);
    add('hard:code', g.pick([
      'const token = await getAccessToken(scopes);',
      'password: Joi.string().min(8).required(),',
      "if (token.type === 'punctuation') continue;",
      'api_key = os.environ["OPENAI_API_KEY"]',
      'const secretsManager = new SecretsManagerClient({ region });',
      `const CACHE_KEY = "${g.pick(['app-settings-v2', 'user:profile', 'todos'])}";`,
      'sort -u keys.txt | head',
      'docker run -u 1000:1000 node:20 npm test',
      `const testToken = "test-token";`,
      `postgres://${g.pick(['user:password', 'postgres:postgres', 'app:${DB_PASSWORD}'])}@localhost:5432/app`,
    ]));
  }
  if (part === 'heldout') {
    add('hard:code', 'kind: ConfigMap\ndata:\n  LOG_LEVEL: debug\n  FEATURE_FLAGS: "a,b,c"\n');
    add('hard:code', 'kind: Secret\ndata:\n  password: {{ .Values.password | b64enc }}\n');
    add('hard:code', 'curl -u "$USER:$PASS" https://ci.internal');
  }
  return samples;
}

const partSeeds: Record<CorpusPart, number> = { dev: 20261204, heldout: 77123 };

export function buildVendorCorpus(part: CorpusPart, seed = partSeeds[part]): CorpusSample[] {
  const g = new Generator(seed);
  return [...positives(g, part), ...negatives(g, part)];
}

/** How many vendors the formats come from (for the README and the bench header). */
export const vendorCount = new Set(vendorFormats.map((format) => format.vendor)).size;
