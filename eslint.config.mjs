// Lint: the engine/shell boundary, floating promises, and a few rules that catch real bugs.
import tseslint from 'typescript-eslint';

const shell = ['src/extension.ts', 'src/services.ts', 'src/vscode/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'test/fixtures/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports (house style).' },
      ],
    },
  },
  {
    // The engine never imports the editor: only the shell does (ARCHITECTURE.md, "The boundary").
    files: ['src/**/*.ts', 'test/unit/**/*.ts', 'bench/**/*.ts'],
    ignores: shell,
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'Only src/extension.ts, src/services.ts and src/vscode/** may import vscode.' }] },
      ],
    },
  },
);
