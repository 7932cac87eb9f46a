/**
 * The built-in denylist of secret files. No feature reads a file this matches: not the index,
 * completion context, chat context or refactors. One list, checked in one place.
 */
export interface SecretFileRule {
  /** Shown to the user, for example in the index status view: "skipped: secret (.env file)". */
  readonly label: string;
  readonly test: (segments: readonly string[], name: string) => boolean;
}

const lower = (value: string) => value.toLowerCase();

export const secretFileRules: readonly SecretFileRule[] = [
  { label: '.env file', test: (_s, name) => /^\.env(\..*)?$/.test(lower(name)) || lower(name).endsWith('.env') },
  { label: 'private key or certificate', test: (_s, name) => /\.(pem|key|p12|pfx|jks|keystore|ppk|asc|gpg)$/.test(lower(name)) },
  { label: 'SSH key', test: (_s, name) => /^id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$/.test(lower(name)) || /^id_rsa/.test(lower(name)) },
  { label: 'SSH or cloud credentials folder', test: (segments) => segments.some((s) => ['.ssh', '.aws', '.gnupg', '.azure', '.kube', '.docker'].includes(lower(s))) },
  { label: 'package registry credentials', test: (_s, name) => ['.npmrc', '.pypirc', '.yarnrc.yml', '.gem/credentials', '.netrc', '_netrc'].includes(lower(name)) },
  { label: 'credential store', test: (_s, name) => /^(credentials(\.json|\.xml|\.yml|\.yaml)?|\.git-credentials|\.htpasswd|secrets?\.(json|ya?ml|toml)|service-account.*\.json|.*\.tfvars|terraform\.tfstate(\.backup)?|\.pgpass|\.my\.cnf)$/.test(lower(name)) },
];

/**
 * Why a path is a secret file, or undefined when it is not one. `path` is workspace-relative or
 * absolute, with either slash.
 */
export function secretFileReason(path: string): string | undefined {
  const segments = path.split(/[\\/]+/).filter(Boolean);
  const name = segments.at(-1) ?? '';
  return secretFileRules.find((rule) => rule.test(segments.slice(0, -1), name))?.label;
}

export function isSecretFile(path: string): boolean {
  return secretFileReason(path) !== undefined;
}
