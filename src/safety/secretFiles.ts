/**
 * The built-in denylist of secret files. No feature reads a file this matches: not the index,
 * completion context, chat context or refactors. One list, checked in one place (FileAccessPolicy).
 *
 * Rules match whole file names or whole folder names, never substrings of them, so that ordinary
 * source such as `environment.ts`, `keyboard.ts`, `monkey.py`, `src/env/config.ts` or
 * `src/common/secrets.ts` is never hidden.
 */
export interface SecretFileRule {
  /** Shown to the user, for example in the index status view: "skipped: secret (.env file)". */
  readonly label: string;
  /** `folders` are the lower-cased folder names above the file, `name` the lower-cased file name. */
  readonly test: (folders: readonly string[], name: string) => boolean;
}

/**
 * `.env` templates are committed on purpose, hold names rather than values, and tell the model
 * which settings a project reads, so a template is allowed when its suffix says so unambiguously.
 * Anything else after `.env.` (`.env.local`, `.env.production`, `.env.defaults`, `.env.backup`)
 * is treated as real. A real key pasted into a template is still caught: every text sent passes
 * the content redactor as well.
 */
const envTemplateSuffixes = new Set(['example', 'examples', 'sample', 'template', 'tmpl', 'tpl', 'dist', 'schema']);

function isEnvFile(name: string): boolean {
  if (name === '.env' || name === '.envrc' || name.endsWith('.env')) return true;
  if (!name.startsWith('.env.')) return false;
  const parts = name.slice('.env.'.length).split('.');
  return !parts.some((part) => envTemplateSuffixes.has(part));
}

const keyExtensions = /\.(pem|key|p8|p12|pfx|pkcs12|jks|keystore|bks|ppk|asc|gpg|pgp|kdbx|keychain|keychain-db|ovpn)$/;
const sshKeyNames = /^id_(rsa|dsa|ecdsa|ed25519|ecdsa_sk|ed25519_sk)(\.pub)?$|^id_rsa/;
/** Folders whose whole content is credentials or keys. */
const credentialFolders = new Set(['.ssh', '.aws', '.gnupg', '.azure', '.kube', '.docker', '.password-store', '.gcloud', 'gcloud', '.terraform.d']);
const registryFiles = new Set(['.npmrc', '.pypirc', '.yarnrc.yml', '.netrc', '_netrc', '.dockercfg', '.vault-token', '.boto', '.s3cfg', '.git-credentials', '.pgpass', '.my.cnf', '.htpasswd', 'htpasswd', 'kubeconfig']);
const credentialStores =
  /^(credentials|credentials\.(json|xml|ya?ml|toml|ini|csv|db)|credentials\.yml\.enc|secrets?\.(json|ya?ml|toml|ini|env|txt)|client_secrets?([_-][\w.-]+)?\.json|application_default_credentials\.json|(service[-_]?account|firebase-adminsdk)[\w.-]*\.json|[\w.-]+\.tfvars(\.json)?|terraform\.tfstate(\.backup)?|master\.key)$/;

export const secretFileRules: readonly SecretFileRule[] = [
  { label: '.env file', test: (_f, name) => isEnvFile(name) },
  { label: 'private key or certificate store', test: (_f, name) => keyExtensions.test(name) },
  { label: 'SSH key', test: (_f, name) => sshKeyNames.test(name) },
  { label: 'credentials folder', test: (folders) => folders.some((folder) => credentialFolders.has(folder)) },
  { label: 'package registry or tool credentials', test: (_f, name) => registryFiles.has(name) },
  { label: 'credential store', test: (_f, name) => credentialStores.test(name) },
];

/**
 * Why a path is a secret file, or undefined when it is not one. `path` is workspace-relative or
 * absolute, with either slash; case does not matter (Windows and macOS file systems ignore it).
 */
export function secretFileReason(path: string): string | undefined {
  const segments = path.toLowerCase().split(/[\\/]+/).filter(Boolean);
  const name = segments.at(-1) ?? '';
  const folders = segments.slice(0, -1);
  return secretFileRules.find((rule) => rule.test(folders, name))?.label;
}

export function isSecretFile(path: string): boolean {
  return secretFileReason(path) !== undefined;
}
