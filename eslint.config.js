// The JS linter's rules for the package, the tests, the scripts and the examples (run by `npm test` and
// `npm run test:unit`): ESLint's recommended set, with the globals each kind of file really has.
import js from '@eslint/js'

const shared = {
  AbortController: 'readonly', AbortSignal: 'readonly', Blob: 'readonly', BigInt: 'readonly', TextDecoder: 'readonly',
  TextEncoder: 'readonly', URL: 'readonly', URLSearchParams: 'readonly', WebAssembly: 'readonly', WebSocket: 'readonly',
  Request: 'readonly', Response: 'readonly', Headers: 'readonly', ReadableStream: 'readonly', fetch: 'readonly',
  crypto: 'readonly', console: 'readonly', queueMicrotask: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
  setInterval: 'readonly', clearInterval: 'readonly', atob: 'readonly', btoa: 'readonly', globalThis: 'readonly',
  structuredClone: 'readonly', performance: 'readonly',
}
const node = { process: 'readonly', Buffer: 'readonly', setImmediate: 'readonly', global: 'readonly' }

export default [
  { ignores: ['node_modules/**', 'build/**', 'wasm/dist/**', '**/.next/**', '**/.wrangler/**', 'tests/types/**'] },
  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: { ...shared, ...node, Deno: 'readonly', Bun: 'readonly', document: 'readonly', window: 'readonly' } },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // The package itself runs in edge runtimes: no Node globals.
    files: ['wasm/src/**/*.js'],
    languageOptions: { globals: { ...shared, Deno: 'readonly', Bun: 'readonly' } },
  },
]
