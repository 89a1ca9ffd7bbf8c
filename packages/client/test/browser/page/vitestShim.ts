/**
 * The part of vitest's API our shared suites use (describe, it, hooks,
 * expect), for running them unchanged inside a Chromium page: the bundle for
 * the page aliases "vitest" to this module. `expect` is vitest's own
 * (@vitest/expect on chai), so matchers behave exactly as in Node.
 */
import * as chai from "chai";
import type { expect as vitestExpect } from "vitest";
import {
  GLOBAL_EXPECT,
  JestAsymmetricMatchers,
  type ExpectStatic,
  JestChaiExpect,
  JestExtend,
  getState,
  setState,
} from "@vitest/expect";

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

type Fn = () => unknown;
/** What vitest passes a test: here only `skip`, which the LS6 tests use. */
interface TestContext {
  skip(reason?: string): never;
}
type TestFn = (context: TestContext) => unknown;

class Skipped extends Error {}

const context: TestContext = {
  skip(reason) {
    throw new Skipped(reason ?? "skipped");
  },
};

interface Suite {
  name: string;
  parent: Suite | undefined;
  children: (Suite | Test)[];
  beforeAll: Fn[];
  afterAll: Fn[];
  beforeEach: Fn[];
  afterEach: Fn[];
}

interface Test {
  name: string;
  fn: TestFn;
  skip: boolean;
}

export interface PageTestResult {
  name: string;
  ok: boolean;
  skipped?: boolean;
  error?: string;
}

const root: Suite = newSuite("", undefined);
let current = root;

function newSuite(name: string, parent: Suite | undefined): Suite {
  return { name, parent, children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
}

export function describe(name: string, body: () => void): void {
  const suite = newSuite(name, current);
  current.children.push(suite);
  const outer = current;
  current = suite;
  try {
    body();
  } finally {
    current = outer;
  }
}

function test(name: string, fn: TestFn): void {
  current.children.push({ name, fn, skip: false });
}
test.skip = (name: string, fn: TestFn): void => {
  current.children.push({ name, fn, skip: true });
};
export const it = test;
export { test };

export const beforeAll = (fn: Fn): void => void current.beforeAll.push(fn);
export const afterAll = (fn: Fn): void => void current.afterAll.push(fn);
export const beforeEach = (fn: Fn): void => void current.beforeEach.push(fn);
export const afterEach = (fn: Fn): void => void current.afterEach.push(fn);

function makeExpect(): ExpectStatic {
  const expect = ((value: unknown, message?: string) => {
    const { assertionCalls } = getState(expect);
    setState({ assertionCalls: assertionCalls + 1 }, expect);
    return chai.expect(value, message);
  }) as unknown as ExpectStatic;
  Object.assign(expect, chai.expect);
  setState({ assertionCalls: 0, isExpectingAssertions: false, expectedAssertionsNumber: null }, expect);
  (globalThis as Record<symbol, unknown>)[GLOBAL_EXPECT] = expect;
  return expect;
}

type VitestExpect = typeof vitestExpect;

// vitest's own type for expect, so suites type-check the same against the shim.
export const expect: VitestExpect = makeExpect() as unknown as VitestExpect;

function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}\n${err.stack ?? ""}`;
  return String(err);
}

function chain(suite: Suite | undefined): Suite[] {
  const out: Suite[] = [];
  for (let s = suite; s !== undefined; s = s.parent) out.unshift(s);
  return out;
}

async function runSuite(suite: Suite, prefix: string, results: PageTestResult[]): Promise<void> {
  const name = (child: { name: string }) => (prefix === "" ? child.name : `${prefix} > ${child.name}`);
  try {
    for (const hook of suite.beforeAll) await hook();
  } catch (err) {
    results.push({ name: name({ name: "(beforeAll)" }), ok: false, error: describeError(err) });
    return;
  }
  for (const child of suite.children) {
    if ("children" in child) {
      await runSuite(child, name(child), results);
      continue;
    }
    if (child.skip) {
      results.push({ name: name(child), ok: true, skipped: true });
      continue;
    }
    // The harness shows this log when the page never finishes: it names the test that hung.
    console.debug(`running: ${name(child)}`);
    let error: unknown;
    let failed = false;
    try {
      for (const s of chain(suite)) for (const hook of s.beforeEach) await hook();
      await child.fn(context);
    } catch (err) {
      failed = true;
      error = err;
    }
    for (const s of chain(suite).reverse()) {
      for (const hook of s.afterEach) {
        try {
          await hook();
        } catch (err) {
          if (!failed) {
            failed = true;
            error = err;
          }
        }
      }
    }
    if (error instanceof Skipped) {
      results.push({ name: name(child), ok: true, skipped: true });
      continue;
    }
    results.push(
      failed
        ? { name: name(child), ok: false, error: describeError(error) }
        : { name: name(child), ok: true },
    );
  }
  for (const hook of suite.afterAll) {
    try {
      await hook();
    } catch (err) {
      results.push({ name: name({ name: "(afterAll)" }), ok: false, error: describeError(err) });
    }
  }
}

/** Run everything registered so far, in order, one test at a time. */
export async function runRegistered(): Promise<PageTestResult[]> {
  const results: PageTestResult[] = [];
  await runSuite(root, "", results);
  return results;
}
