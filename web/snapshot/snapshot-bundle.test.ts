import { describe, it, expect } from 'vitest';
import { packSnapshotBundle, unpackSnapshotBundle, SnapshotBundleError } from './snapshot-bundle';

const files = {
  'snapshot/vm.state': new Uint8Array([1, 2, 3]),
  'snapshot/vm.mem': new Uint8Array(1000).map((_, i) => i & 0xff),
  'riscv64/Image.gz': new Uint8Array(0),
};

describe('snapshot bundle', () => {
  it('round-trips every file and path', () => {
    const back = unpackSnapshotBundle(packSnapshotBundle(files));
    expect(Object.keys(back)).toEqual(Object.keys(files));
    for (const [path, bytes] of Object.entries(files)) expect(back[path]).toEqual(bytes);
  });

  it('rejects foreign, truncated and padded input with a SnapshotBundleError', () => {
    const bundle = packSnapshotBundle(files);
    expect(() => unpackSnapshotBundle(new Uint8Array(40))).toThrow(/bad magic/);
    expect(() => unpackSnapshotBundle(bundle.subarray(0, bundle.length - 1))).toThrow(
      SnapshotBundleError,
    );
    const padded = new Uint8Array(bundle.length + 1);
    padded.set(bundle);
    expect(() => unpackSnapshotBundle(padded)).toThrow(/trailing/);
  });

  it('never throws anything but SnapshotBundleError on corrupted bytes', () => {
    const bundle = packSnapshotBundle(files);
    for (let i = 8; i < 60; i++) {
      const broken = bundle.slice();
      broken[i] = broken[i]! ^ 0xff;
      try {
        unpackSnapshotBundle(broken);
      } catch (error) {
        expect(error).toBeInstanceOf(SnapshotBundleError);
      }
    }
  });
});
