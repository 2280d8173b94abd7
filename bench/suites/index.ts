// Every suite, in the order a full run goes through them: the references
// first, so the tables read from the floor up.

import type { Suite } from '../suite.js';
import { chunksSuite } from './chunks.js';
import { decodeSuite } from './decode.js';
import { engineSteadySuite } from './engine_steady.js';
import { engineStressedSuite } from './engine_stressed.js';
import { floorSuite } from './floor.js';
import { groupSuite } from './group.js';
import { insertSuite } from './insert.js';
import { naivePlayerSuite } from './naive_player.js';
import { replayThroughputSuite } from './replay_throughput.js';
import { scaleSuite } from './scale.js';

export const SUITES: Suite[] = [floorSuite, naivePlayerSuite, engineSteadySuite, engineStressedSuite, insertSuite, decodeSuite, replayThroughputSuite, scaleSuite, groupSuite, chunksSuite];
