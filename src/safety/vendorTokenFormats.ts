/**
 * Vendor token formats that start with a literal prefix, written from the vendors' documentation
 * of their key shapes (and the public rule sets of secret scanners that collect them). They are
 * scanned as one alternation: one pass over the text instead of one per vendor. Order matters
 * where prefixes overlap: the longer or more specific format comes first (`sk-ant-` before `sk-`).
 *
 * `loose` marks a prefix short or common enough to occur in code (`s.`, `pat`, `API-`): its body
 * must then look random (digits and letters of both cases), not like an identifier.
 */
export interface VendorTokenFormat {
  readonly kind: string;
  readonly body: string;
  readonly loose?: boolean;
}

const f = (kind: string, body: string, loose = false): VendorTokenFormat => ({ kind, body, loose });

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

export const vendorTokenFormats: readonly VendorTokenFormat[] = [
  // Clouds
  f('AWS_ACCESS_KEY', '(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}'),
  f('AWS_BEDROCK_KEY', '(?:ABSK[A-Za-z0-9+/]{100,300}={0,2}|bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=%&._-]{20,})'),
  f('GCP_API_KEY', 'AIza[0-9A-Za-z_-]{35}'),
  f('GCP_OAUTH_SECRET', 'GOCSPX-[A-Za-z0-9_-]{28}'),
  f('GCP_OAUTH_TOKEN', '(?:ya29\\.[0-9A-Za-z_-]{30,}|1//0[0-9A-Za-z_-]{40,})'),
  f('ALIBABA_ACCESS_KEY', 'LTAI[A-Za-z0-9]{12,30}'),
  f('TENCENT_SECRET_ID', 'AKID[A-Za-z0-9]{32}'),
  f('YANDEX_KEY', '(?:AQVN[A-Za-z0-9_-]{35,38}|t1\\.[A-Za-z0-9_-]+={0,2}\\.[A-Za-z0-9_-]{86}={0,2})'),
  f('DIGITALOCEAN_TOKEN', 'do[opr]_v1_[a-f0-9]{64}'),
  f('CLOUDFLARE_ORIGIN_CA_KEY', 'v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}'),
  f('SCALINGO_TOKEN', 'tk-us-[A-Za-z0-9_-]{48}'),
  f('FLYIO_TOKEN', '(?:fo1_[A-Za-z0-9_-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{50,}={0,3}(?:,fm[12][ar]?_[A-Za-z0-9+/]{50,}={0,3})*)'),
  f('HEROKU_KEY', 'HRKU-[A-Za-z0-9_-]{58,62}'),
  f('NETLIFY_TOKEN', 'nf[pcu]_[A-Za-z0-9]{36,40}'),
  f('RENDER_KEY', 'rnd_[A-Za-z0-9]{32}'),
  f('SUPABASE_KEY', '(?:sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{30,})'),
  f('NEON_KEY', 'napi_[a-z0-9]{64}'),
  f('PLANETSCALE_TOKEN', 'pscale_(?:tkn|oauth|pw)_[A-Za-z0-9_=.-]{32,64}'),
  f('DOCKER_HUB_TOKEN', 'dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,}'),
  f('OPENSHIFT_TOKEN', 'sha256~[A-Za-z0-9_-]{43}'),
  // Source hosting, CI/CD, registries, infrastructure as code
  f('GITHUB_TOKEN', '(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})'),
  f('GITLAB_TOKEN', '(?:gl(?:pat|ptt|dt|rt|soat|ft|imt|agent|cbt|oas|ffct|wt)-[A-Za-z0-9_.-]{20,}|GR1348941[A-Za-z0-9_-]{20,}|_gitlab_session=[0-9a-z]{32})'),
  f('BITBUCKET_TOKEN', 'ATBB[A-Za-z0-9_=.-]{28,}'),
  f('ATLASSIAN_TOKEN', '(?:ATATT3[A-Za-z0-9_=-]{100,}|ATCTT3[A-Za-z0-9_=-]{100,})'),
  f('NPM_TOKEN', 'npm_[A-Za-z0-9]{36}'),
  f('PYPI_TOKEN', 'pypi-AgE[A-Za-z0-9_-]{50,}'),
  f('RUBYGEMS_TOKEN', 'rubygems_[a-f0-9]{48}'),
  f('CLOJARS_TOKEN', 'CLOJARS_[a-z0-9]{60}'),
  f('NUGET_KEY', 'oy2[a-z0-9]{43}'),
  f('ARTIFACTORY_TOKEN', '(?:AKCp[A-Za-z0-9]{64,80}|cmVmd[A-Za-z0-9]{59})'),
  f('CIRCLECI_TOKEN', 'CCI(?:PAT|PRJ)_[A-Za-z0-9]{22}_[a-f0-9]{40}'),
  f('BUILDKITE_TOKEN', 'bkua_[a-f0-9]{40}'),
  f('PULUMI_TOKEN', 'pul-[a-f0-9]{40}'),
  f('DOPPLER_TOKEN', 'dp\\.(?:pt|st|ct|sa|scim|audit)\\.[A-Za-z0-9_-]{40,}'),
  f('INFRACOST_TOKEN', 'ico-[A-Za-z0-9]{32}'),
  f('VAULT_TOKEN', '(?:hv[sbr]\\.[A-Za-z0-9_-]{90,400}|b\\.AAAAAQ[A-Za-z0-9_-]{100,})'),
  f('VAULT_TOKEN', 's\\.[A-Za-z0-9]{24}', true),
  f('ONEPASSWORD_TOKEN', '(?:ops_eyJ[A-Za-z0-9+/]{100,}={0,3}|A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})'),
  f('AGE_SECRET_KEY', 'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}'),
  f('PREFECT_TOKEN', 'pnu_[A-Za-z0-9]{36}'),
  f('POSTMAN_KEY', 'PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}'),
  f('README_KEY', 'rdme_[a-z0-9]{70}'),
  f('SONAR_TOKEN', 'sq[upa]_[a-f0-9]{40}'),
  f('SNYK_TOKEN', 'snyk_(?:uat|sat|oat)\\.[A-Za-z0-9_.-]{30,}'),
  f('SOURCEGRAPH_TOKEN', 'sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}'),
  f('OCTOPUS_KEY', 'API-[A-Z0-9]{26,32}', true),
  f('HARNESS_KEY', '(?:pat|sat)\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{20}'),
  f('AIRTABLE_TOKEN', 'pat[A-Za-z0-9]{14}\\.[a-f0-9]{64}'),
  f('SETTLEMINT_TOKEN', 'sm_(?:aat|pat|sat)_[A-Za-z0-9]{16}'),
  f('DEFINED_NETWORKING_KEY', 'dnkey-[A-Za-z0-9_=-]{26}-[A-Za-z0-9_=-]{52}'),
  f('CLICKHOUSE_KEY', '4b1d[A-Za-z0-9]{38}', true),
  f('INTRA42_SECRET', 's-s4t2(?:ud|af)-[a-f0-9]{64}'),
  f('FRAMEIO_TOKEN', 'fio-u-[A-Za-z0-9_=-]{64}'),
  f('ADOBE_SECRET', 'p8e-[A-Za-z0-9]{32}'),
  f('AUTHRESS_KEY', '(?:sc|ext|scauth|authress)_[A-Za-z0-9]{5,30}\\.[A-Za-z0-9]{4,6}\\.acc[_-][A-Za-z0-9-]{10,32}\\.[A-Za-z0-9+/_=-]{30,120}'),
  // Observability
  f('GRAFANA_TOKEN', '(?:glc_[A-Za-z0-9+/]{32,400}={0,3}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|eyJrIjoi[A-Za-z0-9]{50,400}={0,3})'),
  f('SENTRY_TOKEN', '(?:sntry[su]_[A-Za-z0-9+/=_]{40,400}|sntrys_eyJ[A-Za-z0-9+/=_]{60,})'),
  f('NEW_RELIC_KEY', '(?:NRAK-[A-Za-z0-9]{27}|NRII-[A-Za-z0-9-]{32}|NRJS-[a-f0-9]{19}|NRAA-[a-f0-9]{27}|NRRA-[a-f0-9]{42})'),
  f('DYNATRACE_TOKEN', 'dt0[a-z]\\d{2}\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{64}'),
  f('HONEYCOMB_KEY', 'hc[abx]ik_[a-z0-9]{58}'),
  // Payments and commerce
  f('STRIPE_KEY', '(?:sk|rk)_(?:live|test|prod)_[0-9A-Za-z]{10,120}'),
  f('STRIPE_WEBHOOK_SECRET', 'whsec_[A-Za-z0-9+/]{32,}'),
  f('SQUARE_TOKEN', '(?:sq0(?:atp|csp|idp)-[A-Za-z0-9_-]{22,60}|EAAA[A-Za-z0-9_-]{60,})'),
  f('FACEBOOK_TOKEN', 'EAA[A-Za-z0-9]{100,}'),
  f('PAYPAL_TOKEN', 'access_token\\$(?:production|sandbox)\\$[a-z0-9]{16}\\$[a-f0-9]{32}'),
  f('SHOPIFY_TOKEN', 'shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}'),
  f('FLUTTERWAVE_KEY', 'FLW(?:SECK|PUBK)(?:_TEST)?-[a-fA-F0-9]{12,32}(?:-X)?'),
  f('EASYPOST_KEY', 'EZ[AT]K[A-Za-z0-9]{54}'),
  f('SHIPPO_TOKEN', 'shippo_(?:live|test)_[a-fA-F0-9]{40}'),
  f('DUFFEL_TOKEN', 'duffel_(?:test|live)_[A-Za-z0-9_=-]{43}'),
  f('LOB_KEY', '(?:live|test)_(?:pub_)?[a-f0-9]{31,35}(?![a-f0-9])', true),
  f('RAZORPAY_KEY', 'rzp_(?:live|test)_[A-Za-z0-9]{14}'),
  f('MOLLIE_KEY', '(?:live|test)_[A-Za-z0-9]{30}(?![A-Za-z0-9])', true),
  f('COINBASE_KEY', 'organizations/' + uuid + '/apiKeys/' + uuid),
  f('GOCARDLESS_TOKEN', '(?:live|sandbox)_[A-Za-z0-9_=-]{40}', true),
  f('PLAID_TOKEN', 'access-(?:sandbox|development|production)-' + uuid),
  // Messaging and communication
  f('SLACK_TOKEN', '(?:xox[abposre]-[0-9A-Za-z-]{10,}|xoxe\\.xox[bp]-\\d-[A-Za-z0-9]{100,}|xapp-\\d-[A-Z0-9]+-\\d+-[a-z0-9]{20,})'),
  f('DISCORD_BOT_TOKEN', '[MNO][A-Za-z0-9]{23,25}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38}', true),
  f('TWILIO_API_KEY', 'SK[0-9a-fA-F]{32}'),
  f('SENDGRID_KEY', 'SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}'),
  f('BREVO_KEY', 'x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}'),
  f('MAILGUN_KEY', '(?:key|pubkey)-[a-f0-9]{32}'),
  f('MAILERSEND_TOKEN', 'mlsn\\.[a-f0-9]{64}'),
  f('NOTION_TOKEN', '(?:ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})', true),
  f('LINEAR_KEY', 'lin_(?:api|oauth)_[A-Za-z0-9]{40}'),
  f('TYPEFORM_TOKEN', 'tfp_[A-Za-z0-9_.=-]{59}'),
  f('BEAMER_TOKEN', 'b_[A-Za-z0-9=_-]{44}', true),
  f('FIGMA_TOKEN', 'fig[dur]_[A-Za-z0-9_-]{40,}'),
  f('ZAPIER_WEBHOOK', 'hooks\\.zapier\\.com/hooks/catch/\\d+/[a-z0-9]+'),
  f('DROPBOX_TOKEN', 'sl\\.[A-Za-z0-9_=-]{130,}'),
  f('CONTENTFUL_TOKEN', 'CFPAT-[A-Za-z0-9_-]{43}'),
  // AI providers
  f('ANTHROPIC_KEY', 'sk-ant-[a-z]{3,6}\\d{2}-[A-Za-z0-9_-]{32,}'),
  f('OPENROUTER_KEY', 'sk-or-v1-[a-f0-9]{64}'),
  f('OPENAI_KEY', 'sk-(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|[A-Za-z0-9]{48})'),
  f('DEEPSEEK_KEY', 'sk-[a-f0-9]{32}'),
  f('ELEVENLABS_KEY', 'sk_[a-f0-9]{48}'),
  f('HUGGINGFACE_TOKEN', '(?:hf_[A-Za-z0-9]{34,}|api_org_[A-Za-z]{34})'),
  f('GROQ_KEY', 'gsk_[A-Za-z0-9]{52}'),
  f('XAI_KEY', 'xai-[A-Za-z0-9]{80}'),
  f('REPLICATE_TOKEN', 'r8_[A-Za-z0-9]{37}'),
  f('PERPLEXITY_KEY', 'pplx-[A-Za-z0-9]{48}'),
  f('PINECONE_KEY', 'pcsk_[A-Za-z0-9_]{40,}'),
  f('LANGSMITH_KEY', 'lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}'),
  f('TAVILY_KEY', 'tvly-(?:dev-|prod-)?[A-Za-z0-9]{32}'),
  f('NVIDIA_KEY', 'nvapi-[A-Za-z0-9_-]{64}'),
  f('FIREWORKS_KEY', 'fw_[A-Za-z0-9]{24}', true),
  f('CEREBRAS_KEY', 'csk-[a-z0-9]{48}'),
  f('VOYAGE_KEY', 'pa-[A-Za-z0-9_-]{43}', true),
  f('PRIVATEAI_KEY', 'pai_[A-Za-z0-9]{32,}'),
  f('DATABRICKS_TOKEN', 'dapi[a-f0-9]{32}(?:-\\d)?'),
  f('MAPBOX_TOKEN', '(?:pk|sk|tk)\\.eyJ[A-Za-z0-9_-]{20,}\\.[A-Za-z0-9_-]{20,}'),
  f('JWT', 'eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,}'),
];
