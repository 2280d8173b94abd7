// The steady packet clock of a 20 ms stream seen from 128-frame pulls: 960
// frames per packet is 7.5 pulls, so packets are due after 7 and 8 pulls in
// turn, and over any two packets the input matches the output exactly.

/** Pulls from one packet to the next, alternately. */
const SHORT = 7;
const LONG = 8;

export class PacketCadence {
  private pullsLeft: number;
  private nextIsLong = false;

  /** The first packet is due before pull number `phase`: different phases spread many streams' inserts over the pulls. */
  constructor(phase = 0) {
    this.pullsLeft = phase;
  }

  /** Call once before each pull: true when a packet is due first. */
  tick(): boolean {
    if (this.pullsLeft > 0) {
      this.pullsLeft--;
      return false;
    }
    this.pullsLeft = (this.nextIsLong ? LONG : SHORT) - 1;
    this.nextIsLong = !this.nextIsLong;
    return true;
  }
}
