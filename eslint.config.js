// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Any function except a constructor (objects are built once; their methods run per frame). */
const PER_FRAME_FUNCTION = ':function:not(MethodDefinition[kind="constructor"] > FunctionExpression)';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'data/**',
      'node_modules/**',
      'test-artifacts/**',
      'coverage/**',
      // Generated from the OpenAPI document by scripts/generate-api-client.mjs; checked by `npm run check`.
      'client/src/shared/api/generated/**',
      // Compiled from nft-bridge/contracts/*.sol by scripts/compile-contracts.mjs; checked by `npm run check`.
      'nft-bridge/contracts/artifacts.generated.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // The player's per-frame code allocates nothing once warmed up (no GC pauses mid-frame): no `new`,
    // array or object literals, closures or copying array methods inside its functions. Module-scope
    // scratch objects are fine; a deliberate allocation (a pool growing) says why in a disable comment.
    files: [
      'client/src/shared/world/frame-loop.ts',
      'client/src/shared/world/systems/**/*.ts',
      'client/src/shared/avatars/avatar-renderer.ts',
      'client/src/shared/avatars/skinned-avatars.ts',
      'client/src/shared/avatars/motion-state.ts',
    ],
    ignores: ['client/src/shared/world/systems/keyboard.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['NewExpression', 'ArrayExpression', 'ObjectExpression', 'ArrowFunctionExpression'].map(
          (node) => ({
            selector: `${PER_FRAME_FUNCTION} ${node}`,
            message: `per-frame code must not allocate (${node}); use a module-scope scratch object or a pool`,
          }),
        ),
        {
          selector:
            PER_FRAME_FUNCTION +
            ' CallExpression[callee.property.name=/^(map|filter|slice|concat|flatMap|from)$/]',
          message: 'per-frame code must not allocate arrays; loop over the data in place',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, program: null, project: false },
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly' },
    },
  },
);
