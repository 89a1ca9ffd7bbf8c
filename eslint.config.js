// Type-aware lint for the whole monorepo (typescript-eslint, strict + stylistic).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: [".tmp/**", "**/node_modules/**", "**/gen/**", "**/dist/**", "bench/results/**", "data/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ["*.js", "packages/cli/bin/*.js", "packages/cli/scripts/*.mjs"],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    // ts-mls internals reach the SDK through one module (mls/tsMlsInternals.ts), so an upgrade touches one file.
    files: ["packages/client/src/**/*.ts"],
    ignores: ["packages/client/src/mls/tsMlsInternals.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["ts-mls/*"], message: "import ts-mls internals through mls/tsMlsInternals.ts" },
          ],
        },
      ],
    },
  },
  {
    files: ["**/test/**/*.ts", "bench/**/*.ts", "devkit/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
    },
  },
);
