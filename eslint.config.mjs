// The boundaries the architecture depends on, held by the test command (ARCHITECTURE.md says why each exists).
import tseslint from 'typescript-eslint';

const NODE_IO = [
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'child_process',
  'node:child_process',
  'net',
  'node:net',
  'tls',
  'node:tls',
  'http',
  'node:http',
  'os',
  'node:os',
];
const EDITOR = [
  'vscode',
  'vscode-languageserver',
  'vscode-languageserver/node',
  'vscode-languageserver-textdocument',
  'vscode-languageclient',
  'vscode-languageclient/node',
];
/** Outside the core, only its entry point (server/src/core/index.ts) may be imported. */
const CORE_ROOMS = {
  group: ['**/core/*/**', '**/core/*', '!**/core/index'],
  message: 'Import the core through its entry point (server/src/core), not its rooms.',
};

/** A room of the core that may not use the values of the rooms matched by `group` (types are allowed). */
function layer(files, group, message, ignores = []) {
  return [
    { files: [files], ignores, rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group, message, allowTypeImports: true }] }] } },
  ];
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'out/',
      '.vscode-test/',
      'test-results/',
      'bench/results/',
      'bench/.cache/',
      'test/fixtures/',
      'test/fuzz/corpus/',
      'test/fuzz/regressions/',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
      'no-debugger': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // The core is pure: text and options in, values out. No editor, no I/O, no process, no clock of its own.
    files: ['server/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...NODE_IO, ...EDITOR],
          patterns: [{ group: ['**/lsp/**', '**/cli/**', '**/client/**'], message: 'The core knows nothing of its callers.' }],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'The core takes what it needs as options.' }],
      'no-console': 'error',
    },
  },
  // The core's rooms are layered (ARCHITECTURE.md): a lower room never uses a higher one's values.
  ...layer('server/src/core/base/**/*.ts', ['../*', '../../*'], 'base/ stands on nothing.'),
  ...layer(
    'server/src/core/syntax/**/*.ts',
    ['../x509/*', '../model/*', '../ide/*', '../analysis', '../findings/*', '!../findings/finding'],
    'syntax/ knows text and YAML only.',
    ['server/src/core/syntax/incremental.ts'],
  ),
  ...layer(
    'server/src/core/x509/**/*.ts',
    ['../ide/*', '../analysis', '../findings/*', '!../findings/finding', '../syntax/incremental'],
    'x509/ decodes; it does not judge or present.',
  ),
  ...layer(
    'server/src/core/model/**/*.ts',
    ['../ide/*', '../analysis', '../findings/*', '!../findings/finding'],
    'model/ says what the text means; findings and editors read it.',
  ),
  ...layer('server/src/core/findings/**/*.ts', ['../ide/*', '../analysis'], 'findings/ judge materials; they do not present them.'),
  {
    // shared/ is imported by the client's activation bundle and by the server: plain values, no libraries.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [...NODE_IO, ...EDITOR], patterns: [{ group: ['**/server/**', '**/client/**'], message: 'shared/ stands alone.' }] },
      ],
      'no-console': 'error',
    },
  },
  {
    // The server: stdout is the protocol channel.
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/core/**', 'server/src/cli.ts', 'server/src/cli/**'],
    rules: { 'no-console': 'error', 'no-restricted-imports': ['error', { patterns: [CORE_ROOMS] }] },
  },
  {
    files: ['server/src/cli.ts', 'server/src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [CORE_ROOMS, { group: ['**/lsp/**'], message: 'The CLI does not use the language server.' }] }] },
  },
  {
    // The client talks to the server by the protocol: it may import shared/ and the core's entry point, nothing else of server/.
    files: ['client/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            CORE_ROOMS,
            {
              group: ['**/server/src/*', '!**/server/src/core', '**/server/src/*/**', '!**/server/src/core/index'],
              message: 'The client reaches the server through shared/ and the protocol.',
            },
          ],
        },
      ],
    },
  },
  {
    // Integration tests use the core as its callers do; unit tests (test/unit) may open a room.
    files: ['test/**/*.ts'],
    ignores: ['test/unit/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [CORE_ROOMS] }] },
  },
);
