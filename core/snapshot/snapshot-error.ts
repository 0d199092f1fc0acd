/** Every refusal of a snapshot (corrupt, truncated, foreign, incomplete) is one of these. */
export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}
