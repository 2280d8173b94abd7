// Which module may import which, in the spirit of NetEq's DEPS files: the
// rules of the layout (README "Architecture"), checked on the import
// statements themselves so that an arrow running the wrong way fails here,
// not in a review. Type-only imports count too: they are still a dependency
// a reader has to follow.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every .ts file under `dir` (relative to the root), as root-relative paths. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir))) {
    const relative = path.posix.join(dir, entry);
    if (statSync(path.join(ROOT, relative)).isDirectory()) out.push(...sources(relative));
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) out.push(relative);
  }
  return out;
}

/** The source without comments (a `//` after `:` or inside quotes is a URL or a string, not a comment). */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** The specifiers a module imports or re-exports from, static and dynamic. */
function specifiers(source: string): string[] {
  const code = withoutComments(source);
  const found: string[] = [];
  for (const pattern of [/\b(?:import|export)\s[^;]*?\bfrom\s*['"]([^'"]+)['"]/g, /^\s*import\s*['"]([^'"]+)['"]/gm, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g]) {
    for (const match of code.matchAll(pattern)) found.push(match[1]);
  }
  return found;
}

/** A relative specifier as the root-relative .ts file it names (tsc's './x.js', AssemblyScript's './x'); others as they are. */
function resolve(from: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  if (target.endsWith('.js')) return `${target.slice(0, -3)}.ts`;
  if (target.endsWith('.ts') || target.endsWith('.json')) return target;
  return `${target}.ts`;
}

/** The import graph of assembly/ and src/: module → what it imports. */
const graph = new Map<string, string[]>();
for (const file of [...sources('assembly'), ...sources('src')]) {
  graph.set(file, specifiers(readFileSync(path.join(ROOT, file), 'utf8')).map((s) => resolve(file, s)));
}

/** Every import of the modules under `prefix` that breaks `allowed`, as "module → import". */
function violations(prefix: string, allowed: (target: string) => boolean): string[] {
  const out: string[] = [];
  for (const [file, imports] of graph) {
    if (!file.startsWith(prefix)) continue;
    for (const target of imports) if (!allowed(target)) out.push(`${file} → ${target}`);
  }
  return out;
}

/** Host code: what the engine must never depend on. */
const HOST_CODE = ['src/adapters/', 'src/jitterlane_node.ts', 'src/replay/', 'src/trace/', 'src/cli.ts', 'src/worklet/', 'src/ecn/', 'src/transport/'];

describe('the import rules of the layout', () => {
  it('sees the modules it checks (the parser finds their imports)', () => {
    expect(graph.get('assembly/engine.ts')).toContain('assembly/decision.ts');
    expect(graph.get('src/engine/module.ts')).toContain('src/engine/contract.ts');
    expect(graph.get('src/engine/contract.ts')).toContain('assembly/abi.ts');
    expect(graph.get('src/index.ts')).toContain('src/engine/index.ts');
  });

  it('assembly/dsp/ imports only assembly/dsp/: DSP does sample math, knows no decisions, buffers or engine', () => {
    expect(violations('assembly/dsp/', (t) => t.startsWith('assembly/dsp/'))).toEqual([]);
  });

  it('src/worklet/ never imports src/replay/: the product processor runs no replay code', () => {
    expect(violations('src/worklet/', (t) => !t.startsWith('src/replay/'))).toEqual([]);
  });

  it('src/ecn/policy imports only src/ecn/: the policy is pure and testable alone', () => {
    expect(violations('src/ecn/policy.ts', (t) => t.startsWith('src/ecn/'))).toEqual([]);
  });

  it('the engine (assembly/, src/engine/) never imports host code: adapters, the node, replay, trace, the CLI', () => {
    expect(violations('assembly/', (t) => t.startsWith('assembly/'))).toEqual([]);
    expect(violations('src/engine/', (t) => !HOST_CODE.some((host) => t.startsWith(host)))).toEqual([]);
  });

  it("the engine's face (src/engine/index.ts) reaches nothing of Node: it runs in the AudioWorklet", () => {
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const target of graph.get(file) ?? []) visit(target);
    };
    visit('src/engine/index.ts');
    expect([...reached].filter((m) => m.startsWith('node:') || m === 'src/engine/node_loader.ts' || m === 'src/engine/build_files.ts')).toEqual([]);
  });

  it('has no import circle in assembly/ or src/', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      stack.push(file);
      for (const target of graph.get(file) ?? []) {
        if (!graph.has(target)) continue;
        if (state.get(target) === 'open') circles.push([...stack.slice(stack.indexOf(target)), target].join(' → '));
        else if (!state.has(target)) visit(target);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(circles).toEqual([]);
  });
});
