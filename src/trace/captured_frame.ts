/** One link-layer frame as a capture file (pcap or pcapng) recorded it. */
export interface CapturedFrame {
  /**
   * Capture time in whole microseconds on the capture's clock (usually Unix time),
   * or null when the block type records no time (pcapng Simple Packet Block).
   */
  timeUs: number | null;
  /** LINKTYPE_* value of the interface that captured the frame (1 Ethernet, 113 SLL, ...). */
  linkType: number;
  /** The captured bytes; shorter than `originalLength` when the snaplen cut the frame. */
  data: Uint8Array;
  /** Length of the frame on the wire. */
  originalLength: number;
  /** Byte offset of the frame's record or block in the file, for error messages. */
  fileOffset: number;
}
