// Issue #14 item 1, in Node: JitterlaneNode.create() refuses every bad option
// with a JitterlaneError that names the option and the accepted values, and
// rejects (never hangs) when the processor cannot start. The real processor
// bundle runs behind a stand-in AudioWorkletNode that, as a browser does, fires
// 'processorerror' when the processor's constructor throws
// (test/helpers/fake_worklet_scope.ts). Before the fix, `codec: 'Opus'` reached
// the processor, whose engine refused it; nobody listened for 'processorerror'
// and create() never settled. The same cases run in Chromium in
// test/browser/create_bad_options.test.ts.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JitterlaneError } from '../../src/engine/index.js';
import { JitterlaneNode } from '../../src/jitterlane_node.js';
import { feedFromWebSocket } from '../../src/adapters/websocket.js';
import { BAD_NODE_OPTIONS } from '../helpers/bad_node_options.js';
import { FakeAudioContext, installFakeWorkletScope } from '../helpers/fake_worklet_scope.js';

let scope: ReturnType<typeof installFakeWorkletScope>;
let context: FakeAudioContext;

beforeEach(() => {
  scope = installFakeWorkletScope();
  context = new FakeAudioContext();
});

afterEach(async () => {
  await context.close();
  scope.restore();
});

function create(options: Record<string, unknown>): Promise<JitterlaneNode> {
  return JitterlaneNode.create(context as unknown as BaseAudioContext, { ...scope.options, ...options });
}

describe('issue 14 item 1: JitterlaneNode.create() validates every option on the main thread', () => {
  it.each(BAD_NODE_OPTIONS)('rejects %s with a JitterlaneError naming the option and the accepted values', async (_name, options, message) => {
    const creating = create(options);
    await expect(creating).rejects.toBeInstanceOf(JitterlaneError);
    await expect(creating).rejects.toThrow(message);
    // Refused before the worklet: no processor was built.
    expect(context.nodes).toHaveLength(0);
  });

  it('still creates nodes with every good spelling (and the defaults)', async () => {
    for (const options of [{}, { codec: 'opus' }, { codec: 'PCMU', clockRate: 8000 }, { codec: 'L16', clockRate: 16000 }, { profile: 'l4s', transport: 'port' }]) {
      const node = await create({ ...options, opusWasmUrl: new URL('../../build/libopus.wasm', import.meta.url).href });
      node.close();
    }
  });
});

describe('issue 14 item 1: JitterlaneNode.create() rejects, never hangs, when the processor cannot start', () => {
  it("rejects when the processor throws while building its engine ('processorerror')", async () => {
    // libopus compiles, but it is not the engine: EngineModule.fromModule throws in the processor's constructor.
    const creating = create({ wasmUrl: new URL('../../build/libopus.wasm', import.meta.url).href });
    await expect(creating).rejects.toThrow(/JitterlaneNode.create: the processor failed to start: /);
  });

  it('rejects when the engine wasm does not compile, naming the URL', async () => {
    const url = new URL('../../dist/worklet/jitterlane-processor.js', import.meta.url).href;
    await expect(create({ wasmUrl: url })).rejects.toThrow(new RegExp(`${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a WebAssembly module`));
  });

  it('rejects when a wasm file cannot be loaded, with its HTTP status', async () => {
    await expect(create({ wasmUrl: new URL('../../build/missing.wasm', import.meta.url).href })).rejects.toThrow(/cannot load .*missing\.wasm: HTTP 404/);
  });

  it('rejects when the worklet bundle cannot be loaded, and a later create() tries again', async () => {
    await expect(create({ processorUrl: 'file:///nowhere/processor.js' })).rejects.toThrow(/cannot load the worklet processor file:\/\/\/nowhere\/processor\.js/);
    const node = await create({});
    node.close();
  });
});

describe('issue 14 item 1: feedFromWebSocket with a forgotten await', () => {
  const socket = { binaryType: 'blob', addEventListener() {}, removeEventListener() {} } as unknown as WebSocket;

  it('throws a JitterlaneError at once when handed the promise of a node', async () => {
    const creating = create({});
    expect(() => feedFromWebSocket(socket, creating as never)).toThrow(/the node is a promise; await JitterlaneNode.create/);
    (await creating).close();
  });

  it('throws a JitterlaneError for a sink without push() and for a socket that is not one', () => {
    expect(() => feedFromWebSocket(socket, {} as never)).toThrow(JitterlaneError);
    expect(() => feedFromWebSocket(null as never, { push: () => true })).toThrow(/first argument must be a WebSocket/);
  });
});
