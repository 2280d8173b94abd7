// Where the built files are, for Node (the loader, the browser replay's
// server, tests, benchmarks and scripts): one lookup from this module's place,
// which is src/engine/ in a checkout run by vitest or tsx, and dist/src/engine/
// once compiled, in the checkout or in an installed package.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder with package.json), from src/engine/ or dist/src/engine/. */
export function packageRoot(): string {
  for (const up of ['../../', '../../../']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
}

/** Absolute path of a file of the package (e.g. 'dist/worklet/jitterlane-processor.js'); throws when it was not built. */
export function packageFile(relative: string): string {
  const path = join(packageRoot(), relative);
  if (!existsSync(path)) throw new Error(`${relative} not found: run \`npm run build\` first`);
  return path;
}

/** Absolute path of a file in build/ (jitterlane.wasm, jitterlane.debug.wasm, libopus.wasm, dsp.wasm). */
export function buildFile(file: string): string {
  return packageFile(`build/${file}`);
}
