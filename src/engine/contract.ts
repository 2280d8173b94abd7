// The JavaScript side of the engine's contract. Every number comes from
// assembly/abi.ts, the file the engine is compiled with; the tables here
// (stats names, event kinds, profile record fields, built-in profiles) are
// derived from its constant names, so nothing is written twice. The wasm
// re-exports every one of those constants as a global, and
// checkEngineExports() compares them when a module is loaded: a module built
// from another version of the contract is refused with the value named,
// instead of mislabelling stats or misreading events.

import * as abi from '../../assembly/abi.js';
import { JitterlaneError } from './errors.js';

export * from '../../assembly/abi.js';

type Abi = typeof abi;

/** SNAKE_CASE → camelCase, as types: PACKETS_RECEIVED → packetsReceived. */
type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Lowercase<Head>}${Capitalize<CamelCase<Tail>>}` : Lowercase<S>;
/** SNAKE_CASE → kebab-case, as types: ACCELERATE_FAST → accelerate-fast. */
type KebabCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Lowercase<Head>}-${KebabCase<Tail>}` : Lowercase<S>;

/** The abi constants that are stats indices (STAT_COUNT is their number, not one of them). */
type StatConstant = Exclude<Extract<keyof Abi, `STAT_${string}`>, 'STAT_COUNT'>;
type StatNameOf<K> = K extends `STAT_${infer Name}` ? CamelCase<Name> : never;
/** Name of one value of the stats block: STAT_PACKETS_RECEIVED is 'packetsReceived'. */
export type StatName = StatNameOf<StatConstant>;

/** The abi constants that are event kinds (EVENT_FIELDS and EVENT_CAPACITY describe the log). */
type EventConstant = Exclude<Extract<keyof Abi, `EVENT_${string}`>, 'EVENT_FIELDS' | 'EVENT_CAPACITY'>;
type EventKindOf<K> = K extends `EVENT_${infer Name}` ? KebabCase<Name> : never;
/** Kind of one engine event: EVENT_ACCELERATE_FAST is 'accelerate-fast'. */
export type EventKindName = EventKindOf<EventConstant>;

/** The abi constants that are profile record indices. */
type ProfileFieldConstant = Exclude<Extract<keyof Abi, `PROFILE_FIELD_${string}`>, 'PROFILE_FIELD_COUNT'>;
type ProfileFieldOf<K> = K extends `PROFILE_FIELD_${infer Name}` ? CamelCase<Name> : never;
/** A field of a profile record: PROFILE_FIELD_FLOOR_MS is 'floorMs'. */
export type ProfileFieldName = ProfileFieldOf<ProfileFieldConstant>;

const contract = abi as unknown as Readonly<Record<string, number>>;

function camelCase(snake: string): string {
  return snake.toLowerCase().replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function kebabCase(snake: string): string {
  return snake.toLowerCase().replace(/_/g, '-');
}

/**
 * The constants named `prefix…` (less `except`) as a table indexed by their
 * values, each entry the name after the prefix through `rename`. Throws if the
 * values are not exactly first..count−1 (abi.ts is then inconsistent: two
 * names for one index, or a gap); `count` defaults to the largest value + 1.
 */
function indexTable(prefix: string, except: string[], rename: (snake: string) => string, first = 0, count?: number): string[] {
  const table: string[] = [];
  for (const [name, value] of Object.entries(contract)) {
    if (!name.startsWith(prefix) || except.includes(name)) continue;
    if (!Number.isInteger(value) || value < first || (count !== undefined && value >= count) || table[value] !== undefined) {
      throw new JitterlaneError(`assembly/abi.ts: ${name} = ${value} is not a free index from ${first}${count === undefined ? '' : ` to ${count - 1}`}`);
    }
    table[value] = rename(name.slice(prefix.length));
  }
  for (let i = first; i < (count ?? table.length); i++) if (table[i] === undefined) throw new JitterlaneError(`assembly/abi.ts: no ${prefix}* constant has the value ${i}`);
  return table;
}

/** The stats block's names in block order (index i holds STAT_NAMES[i]). */
export const STAT_NAMES = indexTable('STAT_', ['STAT_COUNT'], camelCase, 0, abi.STAT_COUNT) as readonly StatName[];

/** Index of each value in the raw stats block (statsView), for readers that must not allocate. */
export const STAT_INDEX = Object.fromEntries(STAT_NAMES.map((name, i) => [name, i])) as Readonly<Record<StatName, number>>;

/** Event kinds by their code (codes start at 1: index 0 is empty). */
export const EVENT_KINDS = indexTable('EVENT_', ['EVENT_FIELDS', 'EVENT_CAPACITY'], kebabCase, 1) as readonly EventKindName[];

/** Profile record fields in record order (index i is the value at PROFILE_FIELD_… = i). */
export const PROFILE_FIELDS = indexTable('PROFILE_FIELD_', ['PROFILE_FIELD_COUNT'], camelCase, 0, abi.PROFILE_FIELD_COUNT) as readonly ProfileFieldName[];

/** Built-in profile names and the abi prefix of their values (CLASSIC_FLOOR_MS …). */
const BUILT_IN_PREFIXES = { classic: 'CLASSIC_', l4s: 'L4S_' } as const;

/** Engine ids of the built-in profiles. */
export const PROFILE_IDS: Readonly<Record<keyof typeof BUILT_IN_PREFIXES, number>> = { classic: abi.PROFILE_CLASSIC, l4s: abi.PROFILE_L4S };

/** One built-in profile's full record, read from its abi constants (CLASSIC_FLOOR_MS is classic's floorMs). */
function builtInRecord(prefix: string): Record<ProfileFieldName, number> {
  const record = {} as Record<ProfileFieldName, number>;
  for (const [name, index] of Object.entries(contract)) {
    if (!name.startsWith('PROFILE_FIELD_') || name === 'PROFILE_FIELD_COUNT') continue;
    const value = contract[prefix + name.slice('PROFILE_FIELD_'.length)];
    if (typeof value !== 'number') throw new JitterlaneError(`assembly/abi.ts: the built-in profile value ${prefix}${name.slice('PROFILE_FIELD_'.length)} is missing`);
    record[PROFILE_FIELDS[index]] = value;
  }
  return record;
}

/** The parameters of the built-in profiles, as the engine is compiled with them (assembly/abi.ts). */
export const BUILT_IN_RECORDS: Readonly<Record<keyof typeof BUILT_IN_PREFIXES, Readonly<Record<ProfileFieldName, number>>>> = {
  classic: builtInRecord(BUILT_IN_PREFIXES.classic),
  l4s: builtInRecord(BUILT_IN_PREFIXES.l4s),
};

/**
 * Throws JitterlaneError unless the instantiated engine exports every
 * constant of assembly/abi.ts as a global with the same value: a wasm built
 * from another version of the contract would otherwise mislabel stats,
 * misread events or apply the wrong profile, silently.
 */
export function checkEngineExports(exports: WebAssembly.Exports): void {
  for (const [name, expected] of Object.entries(contract)) {
    const global = exports[name] as { value?: unknown } | undefined;
    if (global === undefined || global === null || typeof global !== 'object' || !('value' in global)) {
      throw new JitterlaneError(`the engine wasm does not export ${name} (assembly/abi.ts): it was built from another version of jitterlane; rebuild it (npm run build) or load the jitterlane.wasm of this package`);
    }
    if (global.value !== expected) {
      throw new JitterlaneError(`the engine wasm has ${name} = ${String(global.value)} where this host expects ${expected} (assembly/abi.ts): it was built from another version of jitterlane; rebuild it (npm run build) or load the jitterlane.wasm of this package`);
    }
  }
}
