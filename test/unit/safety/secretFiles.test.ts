import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSecretFile, secretFileReason } from '../../../src/safety/secretFiles.ts';

const secret: readonly [path: string, label: string][] = [
  ['.env', '.env file'],
  ['.env.local', '.env file'],
  ['.env.production', '.env file'],
  ['.env.production.local', '.env file'],
  ['.env.defaults', '.env file'],
  ['apps/web/.env.development', '.env file'],
  ['config/production.env', '.env file'],
  ['.envrc', '.env file'],
  ['C:\\Users\\dev\\project\\.env', '.env file'],
  ['certs/server.pem', 'private key or certificate store'],
  ['config/master.key', 'private key or certificate store'],
  ['AuthKey_ABC123.p8', 'private key or certificate store'],
  ['build\\signing\\release.p12', 'private key or certificate store'],
  ['certs/client.PFX', 'private key or certificate store'],
  ['android/app/upload.jks', 'private key or certificate store'],
  ['deploy.ppk', 'private key or certificate store'],
  ['vault.kdbx', 'private key or certificate store'],
  ['id_rsa', 'SSH key'],
  ['home/dev/id_ed25519', 'SSH key'],
  ['id_rsa.pub', 'SSH key'],
  ['id_rsa_github', 'SSH key'],
  ['.ssh/config', 'credentials folder'],
  ['/home/dev/.aws/config', 'credentials folder'],
  ['C:\\Users\\dev\\.azure\\accessTokens.json', 'credentials folder'],
  ['.kube/config', 'credentials folder'],
  ['.docker/config.json', 'credentials folder'],
  ['.config/gcloud/credentials.db', 'credentials folder'],
  ['.npmrc', 'package registry or tool credentials'],
  ['packages/a/.npmrc', 'package registry or tool credentials'],
  ['.pypirc', 'package registry or tool credentials'],
  ['.netrc', 'package registry or tool credentials'],
  ['.git-credentials', 'package registry or tool credentials'],
  ['.pgpass', 'package registry or tool credentials'],
  ['.htpasswd', 'package registry or tool credentials'],
  ['.gem/credentials', 'credential store'],
  ['credentials.json', 'credential store'],
  ['config/credentials.yml.enc', 'credential store'],
  ['secrets.yaml', 'credential store'],
  ['deploy/secret.json', 'credential store'],
  ['client_secret_1234.apps.googleusercontent.com.json', 'credential store'],
  ['service-account-prod.json', 'credential store'],
  ['firebase-adminsdk-abc12.json', 'credential store'],
  ['infra/prod.tfvars', 'credential store'],
  ['infra/terraform.tfstate', 'credential store'],
  ['infra/terraform.tfstate.backup', 'credential store'],
];

const ordinary: readonly string[] = [
  'src/environment.ts',
  'src/environments/environment.prod.ts',
  'src/keyboard.ts',
  'lib/monkey.py',
  'src/env/config.ts',
  'src/common/secrets.ts',
  'src/auth/credentials.ts',
  'src/keys.ts',
  'docs/ssh.md',
  'src/aws/client.ts',
  'scripts/envsubst.sh',
  'README.md',
  'package.json',
  '.env.example',
  '.env.sample',
  'apps/api/.env.template',
  '.env.local.example',
  '.env.dist',
  'src/pem/parse.ts',
  'keymap.json',
  'src/secretary.ts',
  'tests/fixtures/token.json',
  'C:\\work\\app\\src\\environment.ts',
  '.venv/lib/python3.12/site.py',
  '.env/lib/python3.12/site.py',
];

test('secret files are recognised by name or folder, with either slash and any case', () => {
  for (const [path, label] of secret) {
    assert.equal(secretFileReason(path), label, path);
    assert.equal(isSecretFile(path), true, path);
  }
  assert.equal(secretFileReason('CONFIG/.ENV.LOCAL'), '.env file');
  assert.equal(secretFileReason('.SSH\\ID_RSA'), 'SSH key');
});

test('ordinary source, docs and .env templates are not secret files', () => {
  for (const path of ordinary) {
    assert.equal(secretFileReason(path), undefined, path);
    assert.equal(isSecretFile(path), false, path);
  }
});

test('a template suffix only allows a file when it is a real suffix, not part of another word', () => {
  assert.equal(isSecretFile('.env.examples'), false);
  assert.equal(isSecretFile('.env.exampled'), true);
  assert.equal(isSecretFile('.env.production-sample'), true);
});
