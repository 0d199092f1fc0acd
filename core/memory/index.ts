export * from './guest-address';
export * from './guest-memory';
