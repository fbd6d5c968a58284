/**
 * When two nodes discover each other, only one of them dials, so a pair of nodes shares one
 * connection: the one with the smaller node id (compared as hex). The other waits for the call.
 * A Python reference node dials everything it discovers; that only adds a second connection.
 */
export function shouldDialDiscovered(ourNodeIdHex: string, theirNodeIdHex: string): boolean {
  return ourNodeIdHex < theirNodeIdHex;
}
