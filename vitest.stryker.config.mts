// Vitest for Stryker: only the test files of the selected mutation groups (mutation-groups.mjs).
import { defineConfig } from 'vitest/config';
import base from './vitest.config.mts';
import { MUTATION_GROUPS, selectedGroups } from './mutation-groups.mjs';

const tests = [...new Set(selectedGroups().flatMap((g: string) => MUTATION_GROUPS[g as keyof typeof MUTATION_GROUPS].tests))];

export default defineConfig({ ...base, test: { ...base.test, include: tests } });
