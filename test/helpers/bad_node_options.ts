// The bad options of issue #14 item 1 (the ones a new user tried, and their
// neighbours), with what create()'s rejection must say: shared by the Node test
// (test/unit/jitterlane_node_create_bad_options.test.ts) and the Chromium one
// (test/browser/create_bad_options.test.ts).

/** [name, options, the message the JitterlaneError must match]. */
export const BAD_NODE_OPTIONS: [string, Record<string, unknown>, RegExp][] = [
  ["codec 'Opus'", { codec: 'Opus' }, /option codec must be one of 'opus', 'PCMU', 'PCMA', 'L16', 'PCM16LE', 'F32LE' \(did you mean 'opus'\?.*got "Opus"/],
  ["codec 'OPUS'", { codec: 'OPUS' }, /option codec .*did you mean 'opus'.*got "OPUS"/],
  ["codec 'pcmu'", { codec: 'pcmu' }, /option codec .*did you mean 'PCMU'.*got "pcmu"/],
  ["codec 'g711'", { codec: 'g711' }, /option codec .*G\.711 is 'PCMU' for μ-law or 'PCMA' for A-law.*got "g711"/],
  ["codec 'G722'", { codec: 'G722' }, /option codec .*G\.722 is not decoded.*got "G722"/],
  ["codec 'host'", { codec: 'host' }, /option codec .*needs a HostCodec/],
  ["profile 'L4S'", { profile: 'L4S' }, /option profile must be 'l4s', 'classic' or a profile record \(did you mean 'l4s'\?.*got "L4S"/],
  ['PCMU with clockRate 16000', { codec: 'PCMU', clockRate: 16000 }, /option clockRate must be 8000 for PCMU .*got number 16000/],
  ['opus with clockRate 16000', { codec: 'opus', clockRate: 16000 }, /option clockRate must be 48000 for opus/],
  ['PCM16LE at 44.1 kHz', { codec: 'PCM16LE', clockRate: 44100 }, /payloadRate \(default: clockRate\) must be one of 48000, 24000, 16000, 8000 Hz/],
  ["the misspelt option 'tranport'", { tranport: 'port' }, /unknown option "tranport" \(did you mean "transport"\?\); the options are codec, channels/],
  ["the misspelt option 'codecs'", { codecs: 'opus' }, /unknown option "codecs" \(did you mean "codec"\?\)/],
  ["transport 'ring'", { transport: 'ring' }, /option transport must be one of 'auto', 'shared-ring', 'port', got "ring"/],
  ['channels 3', { channels: 3 }, /option channels must be 1 or 2, got number 3/],
  ['ringBytes 10', { ringBytes: 10 }, /option ringBytes must be an integer 128\.\./],
  ['slots 0', { slots: 0 }, /option slots must be an integer 1\.\.4096/],
  ['slotBytes 1.5', { slotBytes: 1.5 }, /option slotBytes must be an integer/],
  ['a profile record with the floor above the ceiling', { profile: { floorMs: 50, ceilingMs: 10 } }, /option profile: invalid profile record/],
  ['wasmUrl a number', { wasmUrl: 42 }, /option wasmUrl must be a string or a URL/],
];
