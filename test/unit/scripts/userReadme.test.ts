import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { developerSections, userReadme } from '../../../scripts/userReadme.ts';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

test("the user's README keeps what a user needs and drops the developers' sections", () => {
  const shipped = userReadme(readme);
  const headings = shipped.split('\n').filter((line) => /^#{1,3} /.test(line));
  for (const title of developerSections) assert.ok(!headings.some((heading) => heading.endsWith(` ${title}`)), title);
  for (const section of ['## Install', '## Configuration', '### Settings', '### Commands', '## Privacy', '## Known limitations']) assert.ok(headings.includes(section), section);
});

test('a developer section ends at the next heading as high, and headings inside code blocks do not count', () => {
  const source = ['# Tool', 'intro', '## Quick start', '```sh', '# not a heading', '```', '### Detail', '## Use', 'kept', '### Command line', 'gone', '## Performance', '## Development', 'gone too', ''].join('\n');
  assert.equal(userReadme(source), ['# Tool', 'intro', '## Use', 'kept', ''].join('\n'));
});

test('a renamed developer section fails the packaging rather than shipping', () => {
  assert.throws(() => userReadme('# Tool\n## Performance\n## Development\n## Command line\n'), /no section Quick start/);
});
