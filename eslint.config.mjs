// ESLint flat config: typescript-eslint's recommended rules for every TypeScript source; layout is Prettier's job.
import { defineConfig, globalIgnores } from 'eslint/config'
import tseslint from 'typescript-eslint'

export default defineConfig(
  globalIgnores(['lib/', 'node_modules/', 'data/', 'public/', 'coverage/', 'bench/out/']),
  {
    files: [
      'src/**/*.ts',
      'test/**/*.ts',
      'migrations/**/*.ts',
      'bench/**/*.ts',
      // The web client (browser code; TypeScript's own checks cover undefined globals there too).
      'client/**/*.{ts,tsx}',
      'vite.config.ts'
    ],
    extends: [tseslint.configs.recommended],
    rules: {
      // Feathers hook contexts, params and adapter results are typed loosely upstream; `any` is deliberate there.
      '@typescript-eslint/no-explicit-any': 'off',
      // `interface XParams extends KnexAdapterParams<XQuery> {}` is the Feathers service pattern.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // A leading underscore marks a parameter that a signature requires but the body does not use. The
      // generic `ServiceParams` of service classes and `Configuration` of createClient are Feathers' generated
      // signatures, kept so typed clients can narrow them; they are unused by design.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^(_|ServiceParams$|Configuration$)',
          // `const { secret, ...rest } = row` is how fields are dropped from an object.
          ignoreRestSiblings: true,
          caughtErrors: 'none'
        }
      ]
    }
  }
)
