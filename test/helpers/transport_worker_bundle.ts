// Bundles a TypeScript Worker entry into one CommonJS script that
// `new Worker(code, { eval: true })` can run: Node 20 loads no TypeScript in a
// Worker, and vitest's transform covers only its own thread. esbuild is
// already a dev dependency (the worklet bundle).

import { build } from 'esbuild';

/** The bundled source of `entryPath` (allocates; test setup only). */
export async function bundleWorkerSource(entryPath: string): Promise<string> {
  const result = await build({ entryPoints: [entryPath], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent' });
  return result.outputFiles[0].text;
}
