import assert from 'node:assert/strict';
import { test } from 'node:test';
import { locateTestFile } from '../../../src/refactor/testFileLocator.ts';

test('TypeScript tests beside their source: foo.test.ts', () => {
  const files = ['src/a/alpha.ts', 'src/a/alpha.test.ts', 'src/b/beta.ts', 'src/b/beta.test.ts', 'src/c/gamma.ts'];
  const location = locateTestFile('src/c/gamma.ts', files);
  assert.equal(location.path, 'src/c/gamma.test.ts');
  assert.equal(location.exists, false);
  assert.equal(location.evidence, 2);
  assert.match(location.convention, /beside/);
  assert.ok(location.examplePath === 'src/a/alpha.test.ts' || location.examplePath === 'src/b/beta.test.ts');
});

test('.spec files in __tests__ folders', () => {
  const files = ['lib/ui/button.tsx', 'lib/ui/__tests__/button.spec.tsx', 'lib/ui/menu.tsx', 'lib/ui/__tests__/menu.spec.tsx', 'lib/form/input.tsx'];
  assert.equal(locateTestFile('lib/form/input.tsx', files).path, 'lib/form/__tests__/input.spec.tsx');
});

test('a test tree mirroring src/ under test/unit/ (this project\'s own layout)', () => {
  const files = ['src/llm/modelGateway.ts', 'test/unit/llm/modelGateway.test.ts', 'src/index/chunker.ts', 'test/unit/index/chunker.test.ts', 'src/refactor/editParser.ts'];
  const location = locateTestFile('src/refactor/editParser.ts', files);
  assert.equal(location.path, 'test/unit/refactor/editParser.test.ts');
  assert.match(location.convention, /mirror src\/ under test\/unit\//);
});

test('an existing test file is found and reported as existing', () => {
  const files = ['src/a.ts', 'src/a.test.ts', 'src/b.ts', 'src/b.test.ts'];
  const location = locateTestFile('src/b.ts', files);
  assert.deepEqual([location.path, location.exists], ['src/b.test.ts', true]);
});

test('Python: tests/test_foo.py, mirrored from the package', () => {
  const files = ['shop/cart.py', 'tests/test_cart.py', 'shop/pricing.py'];
  assert.equal(locateTestFile('shop/pricing.py', files).path, 'tests/test_pricing.py');
  assert.equal(locateTestFile('shop/pricing.py', ['shop/pricing.py']).path, 'tests/test_pricing.py');
  // Orphan tests still pin the folder.
  assert.equal(locateTestFile('app/util.py', ['app/util.py', 'qa/test_something.py']).path, 'qa/test_util.py');
});

test('Go: foo_test.go beside the source', () => {
  assert.equal(locateTestFile('pkg/server/handler.go', ['pkg/server/handler.go', 'cmd/main.go']).path, 'pkg/server/handler_test.go');
});

test('Java: FooTest.java under src/test/java, mirroring the package', () => {
  const files = ['src/main/java/com/shop/Cart.java', 'src/test/java/com/shop/CartTest.java', 'src/main/java/com/shop/pay/Invoice.java'];
  assert.equal(locateTestFile('src/main/java/com/shop/pay/Invoice.java', files).path, 'src/test/java/com/shop/pay/InvoiceTest.java');
  assert.equal(locateTestFile('src/main/java/org/x/Y.java', ['src/main/java/org/x/Y.java']).path, 'src/test/java/org/x/YTest.java');
});

test('the convention of the nearest source root wins in a monorepo', () => {
  const files = [
    'packages/web/src/app.ts',
    'packages/web/src/app.test.ts',
    'packages/web/src/view.ts',
    'packages/web/src/view.test.ts',
    'packages/api/src/server.ts',
    'packages/api/test/server.test.ts',
    'packages/api/src/routes.ts',
  ];
  assert.equal(locateTestFile('packages/api/src/routes.ts', files).path, 'packages/api/test/routes.test.ts');
});

test('defaults per language when the project has no tests yet', () => {
  assert.equal(locateTestFile('src/util.ts', ['src/util.ts']).path, 'src/util.test.ts');
  assert.equal(locateTestFile('src/lib.rs', ['src/lib.rs']).path, 'tests/lib.rs');
  assert.equal(locateTestFile('lib/shop/cart.rb', ['lib/shop/cart.rb']).path, 'spec/shop/cart_spec.rb');
  const unknown = locateTestFile('scripts/run.lua', ['scripts/run.lua']);
  assert.equal(unknown.path, 'scripts/run.test.lua');
  assert.equal(unknown.evidence, 0);
});
