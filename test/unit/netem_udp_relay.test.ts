// The relay on loopback with synthetic traffic: two UDP sockets stand for the
// peers; side A's peer sends RTP that the schedule delays, drops and reorders.

import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { NetworkSchedule } from '../../src/netem/network_schedule.js';
import { UdpRelay, type UdpRelayOptions } from '../../src/netem/udp_relay.js';
import { seededRandom } from '../../src/seeded_random.js';

function rtp(seq: number, ssrc = 0x1234, payloadType = 111): Buffer {
  const b = Buffer.alloc(40);
  b[0] = 0x80;
  b[1] = payloadType;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE((seq * 960) >>> 0, 4);
  b.writeUInt32BE(ssrc, 8);
  return b;
}
const rtcpReceiverReport = () => Buffer.from([0x81, 201, 0, 7, ...new Array(28).fill(0)]);
const stunBindingRequest = () => Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, ...new Array(12).fill(1)]);

function schedule(delaysMs: (number | null)[]): NetworkSchedule {
  return { name: 'test', delaysMs, packetMs: 20, meanDelayMs: 0, lossPercent: 0 };
}

interface Peer {
  socket: Socket;
  port: number;
  received: { bytes: Buffer; atMs: number }[];
}

async function peer(): Promise<Peer> {
  const socket = createSocket('udp4');
  const received: Peer['received'] = [];
  socket.on('message', (bytes) => received.push({ bytes, atMs: performance.now() }));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port, received };
}

const until = async (condition: () => boolean, timeoutMs = 3000) => {
  const end = performance.now() + timeoutMs;
  while (!condition() && performance.now() < end) await new Promise((r) => setTimeout(r, 5));
};

describe('UdpRelay', () => {
  const open: { close(): unknown }[] = [];
  afterEach(async () => {
    for (const thing of open.splice(0)) await thing.close();
  });

  async function setup(options: Partial<UdpRelayOptions> & { schedule: NetworkSchedule | null }) {
    const a = await peer();
    const b = await peer();
    const relay = await UdpRelay.start({ peerA: { address: '127.0.0.1', port: a.port }, peerB: { address: '127.0.0.1', port: b.port }, ...options });
    open.push({ close: () => a.socket.close() }, { close: () => b.socket.close() }, relay);
    const fromA = (bytes: Buffer) => a.socket.send(bytes, relay.addressA.port, '127.0.0.1');
    const fromB = (bytes: Buffer) => b.socket.send(bytes, relay.addressB.port, '127.0.0.1');
    return { a, b, relay, fromA, fromB };
  }

  it('holds packet k for the schedule\u2019s delay k, drops its losses, and lets the shorter delays overtake', async () => {
    const delays = [40, null, 10, 0, 25, null, 5, 60];
    const { b, relay, fromA } = await setup({ schedule: schedule(delays) });
    // Sequence numbers across the 16-bit wrap: 65534 is packet 0.
    const sentAt = performance.now();
    for (let k = 0; k < delays.length; k++) fromA(rtp(65534 + k));
    await until(() => b.received.length === 6);
    await new Promise((r) => setTimeout(r, 30)); // nothing else comes
    const order = b.received.map((r) => (r.bytes.readUInt16BE(2) - 65534 + 65536) % 65536);
    expect(order).toEqual([3, 6, 2, 4, 0, 7]);
    for (const r of b.received) {
      const k = (r.bytes.readUInt16BE(2) - 65534 + 65536) % 65536;
      // Never early; late by less than a generous 100 ms (timers have 1 ms resolution, but a loaded 2-core machine starves the event loop).
      expect(r.atMs - sentAt).toBeGreaterThanOrEqual(delays[k]! - 0.5);
      expect(r.atMs - sentAt).toBeLessThan(delays[k]! + 100);
    }
    expect(relay.stats().streams).toEqual([{ ssrc: 0x1234, payloadType: 111, packets: 8, lost: 2, overflow: 0, reordered: 3, senderLate: 0, senderLatenessMs: null }]);
  });

  it('paced: releases packets sent two at a time on their 20 ms slots plus the pace, never early', async () => {
    // A pace far above the 20 ms the pairs are late by design, so the test's own timers firing late on a loaded
    // machine (tens of ms) are absorbed too and never count as the sender being later than the pace.
    const paceMs = 100;
    const { b, relay, fromA } = await setup({ schedule: schedule([0]), paceMs });
    // A sender that hands frames out in pairs every 40 ms: the second of each pair is on its slot, the first 20 ms late.
    const sentAt = performance.now();
    for (let pair = 0; pair < 5; pair++) {
      fromA(rtp(2 * pair));
      fromA(rtp(2 * pair + 1));
      await new Promise((r) => setTimeout(r, 40));
    }
    await until(() => b.received.length === 10);
    const seqs = b.received.map((r) => r.bytes.readUInt16BE(2));
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Packet 1 sets the anchor at its reception − 20 ms: packet k's slot is about sentAt + (k − 1) × 20.
    for (let k = 1; k < 10; k++) expect(b.received[k].atMs).toBeGreaterThanOrEqual(sentAt + (k - 1) * 20 + paceMs - 0.5);
    // Spread out again: the pairs leave about 20 ms apart, not back to back. Timers fire late under load (never
    // early), which can bunch two releases, so most gaps, not every one, must show the spacing.
    const gaps = b.received.slice(2).map((r, i) => r.atMs - b.received[i + 1].atMs);
    expect(gaps.filter((g) => g > 5).length).toBeGreaterThanOrEqual(6);
    const [stream] = relay.stats().streams;
    expect(stream.senderLate).toBe(0);
    expect(stream.senderLatenessMs!.maxMs).toBeGreaterThan(15);
  });

  it('passes RTCP and STUN at once in both directions, and RTP of the other direction unshaped', async () => {
    const { a, b, relay, fromA, fromB } = await setup({ schedule: schedule([200]) });
    fromA(rtp(1)); // held 200 ms
    fromA(stunBindingRequest());
    fromA(rtcpReceiverReport());
    fromB(rtcpReceiverReport());
    fromB(rtp(5, 0x9999));
    await until(() => b.received.length >= 2 && a.received.length >= 2, 150);
    expect(b.received.map((r) => r.bytes[1])).toEqual([0x01, 201]);
    expect(a.received.map((r) => r.bytes[1])).toEqual([201, 111]);
    expect(relay.stats().forwarded).toEqual({ 'a-to-b': { stun: 1, rtcp: 1 }, 'b-to-a': { rtcp: 1, rtp: 1 } });
  });

  it('shapes only the chosen SSRC when one is given', async () => {
    const { b, fromA } = await setup({ schedule: schedule([null]), ssrc: 0xaaaa });
    fromA(rtp(1, 0xaaaa));
    fromA(rtp(1, 0xbbbb));
    await until(() => b.received.length >= 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(b.received.map((r) => r.bytes.readUInt32BE(8))).toEqual([0xbbbb]);
  });

  it('releases on time: 300 packets with seeded 5–50 ms delays never come out early, and late by a p99 under a generous 250 ms', async () => {
    const random = seededRandom(5);
    const delays = Array.from({ length: 300 }, () => 5 + 45 * random());
    const { b, relay, fromA } = await setup({ schedule: schedule(delays) });
    const sentAt: number[] = [];
    for (let k = 0; k < delays.length; k++) {
      sentAt.push(performance.now());
      fromA(rtp(k));
      if (k % 10 === 9) await new Promise((r) => setTimeout(r, 2));
    }
    await until(() => b.received.length === delays.length);
    expect(b.received).toHaveLength(delays.length);
    const late = b.received.map((r) => {
      const k = r.bytes.readUInt16BE(2);
      return r.atMs - sentAt[k] - delays[k];
    });
    late.sort((x, y) => x - y);
    const lateness = relay.stats().lateness;
    // The README quotes the figures of a run; here only a bound that load cannot break (50 ms did:
    // a fresh-clone CI run, its event loop sharing 2 cores with the other test files, read a p99 of
    // 51.2 ms; the README's comparison runs saw p99 3–57 ms at loads of 3.6–15.6). Never early stays strict.
    console.log(`release lateness over loopback: relay p50 ${lateness.p50Ms.toFixed(1)} ms, p99 ${lateness.p99Ms.toFixed(1)} ms, max ${lateness.maxMs.toFixed(1)} ms; seen at the receiver p50 ${late[150].toFixed(2)} ms, p99 ${late[296].toFixed(2)} ms`);
    expect(late[0]).toBeGreaterThan(-0.5);
    expect(late[296]).toBeLessThan(250);
    expect(lateness.releases).toBe(delays.length);
    expect(lateness.p99Ms).toBeLessThan(250);
  });

  it('learns a peer it was not told from the datagrams it sends (the command\u2019s --listen side), and counts what came before as unroutable', async () => {
    const a = await peer();
    const b = await peer();
    const relay = await UdpRelay.start({ peerB: { address: '127.0.0.1', port: b.port }, schedule: null });
    open.push({ close: () => a.socket.close() }, { close: () => b.socket.close() }, relay);
    b.socket.send(rtcpReceiverReport(), relay.addressB.port, '127.0.0.1'); // A not known yet
    await until(() => relay.stats().unroutable === 1);
    a.socket.send(rtp(1), relay.addressA.port, '127.0.0.1');
    await until(() => b.received.length === 1);
    b.socket.send(rtcpReceiverReport(), relay.addressB.port, '127.0.0.1');
    await until(() => a.received.length === 1);
    expect(a.received[0].bytes[1]).toBe(201);
  });

  it('closes itself after maxDatagrams, and drops what it still held, counted', async () => {
    const { relay, fromA } = await setup({ schedule: schedule([1000]), maxDatagrams: 3 });
    for (let k = 0; k < 5; k++) fromA(rtp(k));
    const stats = await relay.closed;
    expect(stats.closedBy).toBe('maxDatagrams');
    expect(stats.droppedAtClose).toBe(3); // the third datagram is held, then the relay closes; the last two are never read
  });

  it('refuses to bind or send anywhere but loopback', async () => {
    await expect(UdpRelay.start({ schedule: null, peerB: { address: '192.0.2.2', port: 5004 } })).rejects.toThrow(/192\.0\.2\.2 is not a loopback address/);
    await expect(UdpRelay.start({ schedule: null, bindA: { address: '0.0.0.0', port: 0 } })).rejects.toThrow(/not a loopback address/);
  });
});
