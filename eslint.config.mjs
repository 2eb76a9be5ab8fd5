import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      '.scratch/**',
      '*.cjs',
      // Stryker loads these with a plain require, like the config files above.
      'test/support/*.cjs',
      '*.js',
      '*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      // Money must never pass through a JS number: parseFloat/Number on amounts are banned outright.
      'no-restricted-globals': [
        'error',
        { name: 'parseFloat', message: 'Use the money module (src/money).' },
      ],
    },
  },
);
