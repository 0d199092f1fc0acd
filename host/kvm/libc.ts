/**
 * The few libc functions the KVM backend needs, bound through koffi.
 *
 * `ioctl` is variadic in C; koffi calls it through fixed prototypes instead (on x86_64 System V a
 * variadic callee with only integer/pointer arguments receives them exactly as a fixed one would):
 * one taking a pointer (a Uint8Array is passed as the address of its bytes) and one taking an integer.
 * Every wrapper turns a -1 return into a `SyscallError` carrying errno, so callers never see raw -1.
 */
import koffi from 'koffi';

/** Bound on first use, so importing this module never fails on hosts without glibc (the probe says why). */
function bind() {
  const lib = koffi.load('libc.so.6');
  return {
    open: lib.func('int open(const char *path, int flags)'),
    close: lib.func('int close(int fd)'),
    ioctlPtr: lib.func('int ioctl(int fd, unsigned long request, void *arg)'),
    ioctlInt: lib.func('int ioctl(int fd, unsigned long request, unsigned long arg)'),
    mmap: lib.func(
      'void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t offset)',
    ),
    munmap: lib.func('int munmap(void *addr, size_t length)'),
    eventfd: lib.func('int eventfd(unsigned int initval, int flags)'),
    read: lib.func('int64_t read(int fd, void *buf, size_t count)'),
    write: lib.func('int64_t write(int fd, const void *buf, size_t count)'),
    strerror: lib.func('const char *strerror(int errnum)'),
    pthreadSelf: lib.func('unsigned long pthread_self()'),
    pthreadKill: lib.func('int pthread_kill(unsigned long thread, int sig)'),
    pthreadSigmask: lib.func('int pthread_sigmask(int how, void *set, void *oldset)'),
    sigtimedwait: lib.func('int sigtimedwait(void *set, void *info, void *timeout)'),
  };
}
let bound: ReturnType<typeof bind> | undefined;
function c(): ReturnType<typeof bind> {
  bound ??= bind();
  return bound;
}

export const O_RDWR = 0o2;
export const O_CLOEXEC = 0o2000000;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
export const MAP_ANONYMOUS = 0x20;
export const MAP_NORESERVE = 0x4000;
export const EFD_CLOEXEC = 0o2000000;
export const EFD_NONBLOCK = 0o4000;
export const SIG_BLOCK = 0;
export const EINTR = 4;
export const EAGAIN = 11;
/** Size of glibc's sigset_t (1024 bits); the kernel itself only looks at the first 8 bytes. */
export const SIGSET_BYTES = 128;
/** Size of siginfo_t and struct timespec, for sigtimedwait. */
const SIGINFO_BYTES = 128;

/** A failed system call: which one, and errno. */
export class SyscallError extends Error {
  constructor(
    readonly call: string,
    readonly errno: number,
  ) {
    super(`${call} failed: ${c().strerror(errno) as string} (errno ${errno})`);
    this.name = 'SyscallError';
  }
}

function check(call: string, result: number): number {
  if (result < 0) throw new SyscallError(call, koffi.errno());
  return result;
}

export function openFile(path: string, flags: number): number {
  return check(`open(${path})`, c().open(path, flags | O_CLOEXEC) as number);
}

export function closeFd(fd: number): void {
  check('close', c().close(fd) as number);
}

/** ioctl whose argument is a struct: `arg` is passed as a pointer to its bytes. */
export function ioctlPtr(fd: number, request: number, name: string, arg: Uint8Array): number {
  return check(name, c().ioctlPtr(fd, request, arg) as number);
}

/** ioctl whose argument is a plain integer (or absent: pass 0). */
export function ioctlInt(fd: number, request: number, name: string, arg = 0): number {
  return check(name, c().ioctlInt(fd, request, arg) as number);
}

/** ioctl that may legitimately return -1 (e.g. KVM_RUN with EINTR): returns -errno instead of throwing. */
export function ioctlIntErrno(fd: number, request: number, arg = 0): number {
  const result = c().ioctlInt(fd, request, arg) as number;
  return result < 0 ? -koffi.errno() : result;
}

/** A mapping returned by mmap: the opaque pointer (for munmap) and its address. */
export interface Mapping {
  readonly pointer: unknown;
  readonly address: bigint;
  readonly length: number;
}

const MAP_FAILED = (1n << 64n) - 1n;

export function mmap(length: number, prot: number, flags: number, fd = -1, offset = 0): Mapping {
  const pointer = c().mmap(null, length, prot, flags, fd, offset) as unknown;
  const address = pointer === null ? MAP_FAILED : koffi.address(pointer);
  if (address === MAP_FAILED) throw new SyscallError('mmap', koffi.errno());
  return { pointer, address, length };
}

export function munmap(mapping: Mapping): void {
  check('munmap', c().munmap(mapping.pointer, mapping.length) as number);
}

/** An ArrayBuffer over mapped memory, without copying (valid until munmap). */
export function viewOf(mapping: Mapping): ArrayBuffer {
  return koffi.view(mapping.pointer, mapping.length);
}

export function eventfd(initial: number, flags: number): number {
  return check('eventfd', c().eventfd(initial, flags | EFD_CLOEXEC) as number);
}

/** read(2) into `buffer`; returns bytes read, or -errno (e.g. -EAGAIN on a non-blocking fd). */
export function readFd(fd: number, buffer: Uint8Array): number {
  const result = Number(c().read(fd, buffer, buffer.length) as number | bigint);
  return result < 0 ? -koffi.errno() : result;
}

export function writeFd(fd: number, buffer: Uint8Array): number {
  return check('write', Number(c().write(fd, buffer, buffer.length) as number | bigint));
}

/** A sigset_t with one signal in it. */
export function sigsetOf(signal: number): Uint8Array {
  const set = new Uint8Array(SIGSET_BYTES);
  const bit = signal - 1;
  set[bit >> 3] = 1 << (bit & 7);
  return set;
}

export function pthreadSelf(): bigint {
  return BigInt(c().pthreadSelf() as number | bigint);
}

export function pthreadKill(thread: bigint, signal: number): void {
  const result = c().pthreadKill(thread, signal) as number;
  if (result !== 0) throw new SyscallError('pthread_kill', result);
}

export function blockSignalsInThisThread(set: Uint8Array): void {
  const result = c().pthreadSigmask(SIG_BLOCK, set, null) as number;
  if (result !== 0) throw new SyscallError('pthread_sigmask', result);
}

/** Consume one pending signal of `set` without waiting; returns the signal number or -errno. */
export function takePendingSignal(set: Uint8Array): number {
  const info = new Uint8Array(SIGINFO_BYTES);
  const zeroTimeout = new Uint8Array(16);
  const result = c().sigtimedwait(set, info, zeroTimeout) as number;
  return result < 0 ? -koffi.errno() : result;
}
