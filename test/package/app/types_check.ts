// Compiled with tsc --noEmit against the installed package: its types resolve
// through the exports map and describe the API the README shows.
import { JitterlaneNode, type JitterlaneInboundStats } from 'jitterlane/browser';
// The deprecated name of the same entry (kept until 1.0) still resolves to the same class.
import { JitterlaneNode as JitterlaneNodeByOldName } from 'jitterlane/node';
import { EcnMonitor } from 'jitterlane/ecn';
import { feedFromWebSocket } from 'jitterlane/websocket';
import { BUILT_IN_PROFILES, type ProfileName } from 'jitterlane';

export async function start(context: AudioContext, socket: WebSocket): Promise<number> {
  const profile: ProfileName = 'l4s';
  const node: JitterlaneNode = await JitterlaneNode.create(context, { codec: 'PCM16LE', profile });
  const sameClass: typeof JitterlaneNode = JitterlaneNodeByOldName;
  if (sameClass !== JitterlaneNode) throw new Error('jitterlane/node is not an alias of jitterlane/browser');
  feedFromWebSocket(socket, node);
  new EcnMonitor({ target: node }).start();
  const stats: JitterlaneInboundStats = await node.getStats();
  return stats.packetsReceived + Object.keys(BUILT_IN_PROFILES).length;
}
