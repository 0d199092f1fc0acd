/* global V86, window, fetch, performance, WebAssembly, TextEncoder, setTimeout, clearTimeout */
/**
 * The v86 side of bench/boot, driven by Playwright: `window.bootV86ToMarker(options)` downloads the
 * BIOS, VGA BIOS, kernel and initramfs and compiles v86.wasm first (not timed, as Kindling's
 * bootToMarker does not time downloads), then returns the milliseconds from `new V86(...)` to the
 * marker on serial0. The emulator is destroyed afterwards.
 */
async function fetchBuffer(name) {
  const response = await fetch(name);
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

window.bootV86ToMarker = async function bootV86ToMarker(options) {
  const [bios, vgaBios, bzimage, initrd, wasm] = await Promise.all(
    ['bios.bin', 'vgabios.bin', 'bzImage', 'initramfs.cpio.gz', 'v86.wasm'].map(fetchBuffer),
  );
  const module = await WebAssembly.compile(wasm);
  const encoder = new TextEncoder();
  const marker = Array.from(encoder.encode(options.marker));
  return new Promise((resolve, reject) => {
    let matched = 0;
    let emulator;
    const timer = setTimeout(() => {
      emulator?.destroy();
      reject(new Error(`no marker within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    const started = performance.now();
    emulator = new V86({
      wasm_fn: async (imports) => (await WebAssembly.instantiate(module, imports)).exports,
      memory_size: options.memMib * 1024 * 1024,
      vga_memory_size: 2 * 1024 * 1024,
      bios: { buffer: bios },
      vga_bios: { buffer: vgaBios },
      bzimage: { buffer: bzimage },
      initrd: { buffer: initrd },
      cmdline: options.cmdline,
      autostart: true,
      disable_keyboard: true,
      disable_mouse: true,
      disable_speaker: true,
    });
    // Byte-wise match, restarting on mismatch (the marker has no repeated prefix, so this is exact).
    emulator.add_listener('serial0-output-byte', (byte) => {
      if (matched === marker.length) return;
      matched = byte === marker[matched] ? matched + 1 : byte === marker[0] ? 1 : 0;
      if (matched === marker.length) {
        const ms = performance.now() - started;
        clearTimeout(timer);
        emulator.destroy().then(
          () => resolve(ms),
          () => resolve(ms),
        );
      }
    });
  });
};
