import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cleanMarkup, docBlocks, firstSentence, leaksName, stripComments } from '../../../bench/docComments.ts';
import { strippedRoot } from '../../../bench/npmRelease.ts';

const model = `'use strict';

/*!
 * Module dependencies.
 */

const utils = require('./utils');

/**
 * Saves this document by inserting it into the database if it is new, else
 * sends only the modified paths. See {@link Document#isNew} and <code>options.safe</code>.
 *
 * ####Example:
 *
 *     doc.save();
 *
 * @param {Object} [options] options optional options
 * @return {Promise}
 * @api public
 */

Model.prototype.save = function(options) {
  return utils.promiseOrCallback(options);
};

/**
 * @api private
 */
function noop() {}

/**
 * Returns the **first** matching path, e.g. \`a.b\` for [nested](https://x.io/n) paths.
 */
const firstPath = (paths) => paths[0];

/**
 * Default options for every query.
 */
const defaults = { lean: false };

class Cursor {
  /**
   * Marks this cursor as closed.
   */
  close() {}

  /**
   * Not this one: a line comment comes between.
   */
  // eslint-disable-next-line
  rewind() {}
}

module.exports = {
  /** Casts a value to a number or throws. */
  castNumber: function(value) { return Number(value); },
};
`;

test('docBlocks finds JSDoc blocks and the function, method or property after them', () => {
  const blocks = docBlocks(model, 'lib/model.js');
  assert.deepEqual(
    blocks.map(({ sentence, names }) => ({ sentence, names })),
    [
      { sentence: 'Saves this document by inserting it into the database if it is new, else sends only the modified paths.', names: ['save'] },
      { sentence: undefined, names: ['noop'] },
      { sentence: 'Returns the first matching path, e.g. a.b for nested paths.', names: ['firstPath'] },
      { sentence: 'Default options for every query.', names: [] },
      { sentence: 'Marks this cursor as closed.', names: ['close'] },
      { sentence: 'Not this one: a line comment comes between.', names: [] },
      { sentence: 'Casts a value to a number or throws.', names: ['castNumber'] },
    ],
  );
  assert.equal(blocks[0].line, 9);
});

test('firstSentence keeps prose only: tags, links, HTML and Markdown go', () => {
  assert.equal(firstSentence('/**\n * Resolves {@link Foo} via <b>bar</b> &amp; `baz()`.\n * Second sentence.\n */'), 'Resolves Foo via bar & baz().');
  assert.equal(firstSentence('/** See {@link https://x.io the spec} for more */'), 'See the spec for more');
  assert.equal(firstSentence('/**\n * @param {String} a\n * @return {Number}\n */'), undefined);
  assert.equal(firstSentence('/**\n * @description Builds the default doc structure.\n * @api private\n */'), 'Builds the default doc structure.');
  assert.equal(firstSentence('/**\n * Ends at a blank line\n *\n * even without a period.\n */'), 'Ends at a blank line');
  assert.equal(cleanMarkup('the __v key and a *very* _plain_ Promise<Document>'), 'the __v key and a very _plain_ Promise<Document>');
});

test('leaksName catches the name as a word or as its camelCase words, nothing looser', () => {
  assert.ok(leaksName('Issue a MongoDB findOneAndReplace() command.', 'findOneAndReplace'));
  assert.ok(leaksName('A node-mongodb-native connection implementation.', 'NativeConnection'));
  assert.ok(leaksName('Get the next document from this cursor.', 'next'));
  assert.ok(leaksName('Internal helper for toObject() and toJSON().', '$toObject'));
  assert.ok(!leaksName('Returns the HTTP response body.', 'getHTTPResponse'));
  assert.ok(leaksName('Builds the http response body.', 'httpResponse'));
  assert.ok(!leaksName('Saves this document.', 'save'));
  assert.ok(!leaksName('Determine if a value is a Buffer', 'isBuffer'));
});

test('stripComments removes comments, keeps strings, regexes and templates, and keeps every line', () => {
  const source = [
    '#!/usr/bin/env node',
    "const url = 'http://host//path'; // trailing",
    'const re = /\\/\\*[^*]*\\*\\//g; /* one */ const half = a / b / c;',
    'const t = `a // b ${x /* inner */ + 1} /* c */`;',
    '/**',
    ' * Doc.',
    ' */',
    'function f(a/* x */, b) { return a/* y */b; }',
    "const s = \"/* not */ // either\";",
  ].join('\n');
  const stripped = stripComments(source, 'x.js');
  assert.equal(
    stripped,
    [
      '#!/usr/bin/env node',
      "const url = 'http://host//path'; ",
      'const re = /\\/\\*[^*]*\\*\\//g;  const half = a / b / c;',
      'const t = `a // b ${x  + 1} /* c */`;',
      '',
      '',
      '',
      'function f(a , b) { return a b; }',
      "const s = \"/* not */ // either\";",
    ].join('\n'),
  );
  assert.equal(stripComments('let x: Map<string, number> = new Map(); // m\r\n/* a\r\n b */ type T = `${1}//`;', 'x.ts'), 'let x: Map<string, number> = new Map(); \r\n\r\n type T = `${1}//`;');
});

test('strippedRoot copies a cached package without comments, doc files or source maps', () => {
  const cache = mkdtempSync(join(tmpdir(), 'gw-strip-'));
  try {
    const release = join(cache, 'pkg@1.0.0');
    mkdirSync(join(release, 'lib'), { recursive: true });
    mkdirSync(join(release, 'docs'));
    writeFileSync(join(release, 'lib', 'a.js'), '/** Adds two numbers. */\nexports.add = (a, b) => a + b; // sum\n');
    writeFileSync(join(release, 'lib', 'a.js.map'), '{"sourcesContent":["/** Adds two numbers. */"]}');
    writeFileSync(join(release, 'README.md'), 'Adds two numbers.');
    writeFileSync(join(release, 'docs', 'guide.html'), 'Adds two numbers.');
    writeFileSync(join(release, 'package.json'), '{"name":"pkg"}');
    const root = strippedRoot('pkg@1.0.0', cache);
    assert.equal(root, join(cache, 'pkg@1.0.0+nocomments'));
    assert.equal(readFileSync(join(root, 'lib', 'a.js'), 'utf8'), '\nexports.add = (a, b) => a + b; \n');
    assert.deepEqual(readdirSync(root).sort(), ['lib', 'package.json']);
    assert.deepEqual(readdirSync(join(root, 'lib')), ['a.js']);
    assert.ok(existsSync(join(release, 'README.md')), 'the release itself is left alone');
    assert.deepEqual(readdirSync(cache).sort(), ['pkg@1.0.0', 'pkg@1.0.0+nocomments'], 'no scratch folder is left');
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});
