// Lint: typescript-eslint's type-aware recommended rules over the code, the tests, the migrations and the bench.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tap/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.cjs', 'bin/*.js', 'bench/*.mjs', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      'max-len': ['error', { code: 140, ignoreUrls: true }],
      // Fastify plugins, and implementations of interfaces that return promises, are async by contract, await or not.
      '@typescript-eslint/require-await': 'off',
      // `_`-prefixed parameters are kept for a signature's sake (Fastify hooks, handlers).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Fastify calls route hooks bound to the instance: `preValidation: app.csrfProtection` is @fastify/csrf-protection's own usage.
    files: ['src/web/**/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    // tap runs every subtest a test file starts and waits for it; a subtest's callback need not await anything.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/require-await': 'off' },
  },
  {
    // Migrations are typed Kysely<any>: frozen, they must not follow the schema types of later code (Kysely's advice).
    files: ['db/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', module: 'writable', require: 'readonly', URL: 'readonly' } },
  },
)
