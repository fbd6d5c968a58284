/** What a connection machine tells its driver. */

/** Why a connection closed. Every violation of RFC-0001 §9.2/§9.3 has its own reason. */
export type CloseReason =
  | 'local' // the application closed it
  | 'transport-closed' // the driver saw the TCP connection end
  | 'bad-version' // unknown frame version (§9.2: close)
  | 'version-mismatch' // the peer's first frame speaks another wire version (v1 ↔ asoc-hardened)
  | 'frame-too-large' // header announced more than the maximum frame size
  | 'bad-length' // a HELLO or ACCEPT of the wrong size
  | 'bad-seq' // out-of-order sequence number (§9.2: close); asoc-hardened: a handshake message not at seq 0
  | 'bad-stream-id' // DATA or END on the reserved stream 0; asoc-hardened: a handshake message not on stream 0
  // Handshaking: a frame other than the message this side awaits came. The server's first frame must
  // be HELLO (expected-hello), the client's ACCEPT (expected-accept), and an asoc-hardened server's
  // frame after ACCEPT the client's FINISH (expected-finish); other kinds name their own messages.
  | `expected-${string}`
  | 'auth-failed' // a signature did not verify (close at once: no error frame, but a kind's own refusal message if it has one)
  | 'replay' // a HELLO challenge seen before (profiles that track them)
  | 'stale' // asoc-hardened: HELLO timestamp outside the freshness window; subduction: challenge timestamp beyond the drift window
  | 'reflection' // asoc-hardened: the peer presented this node's own id
  | 'wrong-peer' // asoc-hardened client: ACCEPT came from another node than the one dialled
  | 'downgrade' // asoc-hardened: the peer asked for or chose another suite than this node's
  | 'wrong-audience' // the peer meant another node: a challenge for another audience, or an answer from another peer than the one asked for
  | 'malformed' // a handshake message that does not decode (not its CBOR, not canonical, not its shape)
  | 'unsupported-version' // a handshake message in an envelope version this node does not speak
  | 'refused' // the peer answered with its refusal message (its reason in the detail)
  | 'integrity-failed' // a frame's tag did not verify (kinds that protect frames) (injected, altered, dropped or replayed)
  | 'key-exhausted' // asoc-hardened: a direction protected as many frames as one session may
  | 'replay-cache-full' // the bounded replay cache refuses new entries
  | 'handshake-timeout' // the handshake did not complete within its timeout
  | 'send-timeout' // bytes waiting for delivery made no progress for the send-stall timeout (§9.3)
  | 'read-timeout' // a frame's header or payload did not come within the frame read timeout (the reference's 30 s reads)
  | 'partial-frame-timeout' // established, part of a frame received, then nothing for the partial-frame timeout
  | 'too-many-streams'; // more concurrent inbound streams than allowed

export type AuthFailure =
  | 'bad-signature'
  | 'replay'
  | 'replay-cache-full'
  | 'stale'
  | 'reflection'
  | 'downgrade'
  | 'wrong-peer'
  | 'wrong-audience'
  | 'malformed'
  | 'unsupported-version'
  | 'refused';

export type ConnectionEvent =
  /** Handshake done. The server learns the client's node id from HELLO; a v1 client learns none. */
  | { type: 'established'; peerNodeId: Uint8Array | null; sessionToken: Uint8Array }
  | { type: 'stream-opened'; streamId: number }
  /** A piece of a stream's bytes, in order; pieces need not match the sender's chunks. */
  | { type: 'stream-data'; streamId: number; data: Uint8Array }
  | { type: 'stream-end'; streamId: number; bytes: number; frames: number }
  /** The stream will never complete: the connection closed under it, or it went idle too long. */
  | { type: 'stream-aborted'; streamId: number; bytes: number; reason: CloseReason | 'stream-idle-timeout' }
  /** The peer confirmed a stream we sent (the lab's CONTROL receipt). */
  | { type: 'receipt'; streamId: number; bytes: number; frames: number }
  | { type: 'frame-ignored'; frameType: number; streamId: number; length: number }
  /** A whole frame of a custom type (0x80–0xFF), authenticated, on profiles that allow them: the application's to interpret. */
  | { type: 'custom-frame'; frameType: number; streamId: number; payload: Uint8Array }
  | { type: 'auth-failed'; reason: AuthFailure }
  /** Last event. `flush`: the driver should write what is still queued before closing the socket. */
  | { type: 'closed'; reason: CloseReason; detail: string; flush: boolean };
