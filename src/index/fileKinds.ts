/**
 * What a file is for, read from its path alone: a bug report is about source, and a changelog or
 * blog post that mentions everything must not stand in for it. The kinds are coarse on purpose:
 * they steer ranking, they do not hide anything.
 */
export type FileKind = 'source' | 'declaration' | 'test' | 'fixture' | 'docs' | 'changelog' | 'template' | 'generated' | 'config' | 'example' | 'tooling';

const changelogName = /^(changelog|changes|history|releases?|news|upgrading|migrating)([-_.][\w.-]*)?\.(md|markdown|txt|rst)$|^(changelog|history|changes)$/i;
/** Release notes kept one file per change: changesets, prettier's changelog_unreleased/. */
const changelogSegment = /(^|\/)(\.changesets?|changelogs?|changelog_unreleased|release-notes)\/(?:[^/]+\/)*[^/]+\.(md|markdown|txt)$/i;
const templatePath = /(^|\/)\.github\/|(^|\/)(issue|pull_request)_template/i;
const fixtureSegment = /(^|\/)(fixtures?|__fixtures__|__snapshots__|snapshots?|samples?|testdata|test-data|__mocks__|mocks?|expected|baselines?)\//i;
const fixtureName = /\.(snap|snapshot)$|(^|[._-])(expected|actual|output|fixture)\.[^/]+$/i;
const testSegment = /(^|\/)(tests?|__tests__|specs?|e2e|test-[^/]+|[^/]+-tests?)\//i;
const testName = /\.(test|spec|test-d|e2e)\.[^/]+$|(^|\/)(test|tests|spec)\.[^/]+$|_test\.[^/]+$|(^|\/)test_[^/]+$/i;
const generatedPath = /(^|\/)(dist|build|out|lib-cov|coverage|vendor|third[_-]party|flow-typed|generated|__generated__)\/|\.min\.(js|css)$|\.d\.ts\.map$|\.map$|(^|\/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml)$/i;
const docsSegment = /(^|\/)(docs?|documentation|websites?|sites?|blog|guides?|wiki|www|pages)\//i;
const docsExtension = /\.(md|mdx|markdown|rst|txt|adoc|html?)$/i;
const exampleSegment = /(^|\/)(examples?|demos?|playgrounds?|benchmarks?|bench)\//i;
/** The repository's own build, release and editor tooling, not the code it ships. */
const toolingPath = /^(scripts?|tools?|build-scripts?|ci|\.circleci|\.vscode|\.husky|\.devcontainer)\/|(^|\/)(gulpfile|gruntfile|jakefile|rollup\.config|webpack\.config|makefile|dangerfile)(\.\w+)*$/i;
const configName = /(^|\/)(\.[^/]+rc(\.\w+)?|[^/]+\.config\.\w+|package\.json|tsconfig[^/]*\.json|\.?eslintrc[^/]*|\.editorconfig|\.gitignore|\.npmignore)$|\.(ya?ml|toml|ini)$/i;

export function fileKind(path: string): FileKind {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (changelogName.test(name) || changelogSegment.test(path)) return 'changelog';
  if (templatePath.test(path)) return 'template';
  if (fixtureSegment.test(path) || fixtureName.test(name)) return 'fixture';
  if (testSegment.test(path) || testName.test(path)) return 'test';
  if (generatedPath.test(path)) return 'generated';
  if (docsExtension.test(name)) return 'docs';
  // Code inside a docs site (its components, its build) is not the library a bug is in.
  if (docsSegment.test(path) || exampleSegment.test(path)) return 'example';
  if (toolingPath.test(path)) return 'tooling';
  if (configName.test(path)) return 'config';
  // Type declarations restate the API the source implements; a behaviour lives in the source.
  if (/\.d\.(m|c)?ts$|\.js\.flow$/.test(name)) return 'declaration';
  return 'source';
}

/** Kinds that are prose or data about the code rather than the code a behaviour comes from. */
export function isAboutCode(kind: FileKind): boolean {
  return kind === 'docs' || kind === 'changelog' || kind === 'template' || kind === 'fixture' || kind === 'generated';
}
