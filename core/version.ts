/** Kindling's version as reported by the API (`GET /version`) and written into snapshots. */
export const KINDLING_VERSION = '0.1.0';
