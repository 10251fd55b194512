// The C library through FFI, for what Deno's file API lacks or does slowly: pread/pwrite straight
// into a caller's buffer, SEEK_DATA/SEEK_HOLE, hole punching and memcmp. Each group of functions
// is bound on first use (dlopen costs about a quarter of a millisecond per symbol), and none when
// the program may not use FFI: callers then fall back to Deno's API or plain JavaScript.

/** pread/pwrite on descriptors of the C library's own. */
export interface LibcIO {
  open(path: Uint8Array, flags: number): number;
  close(fd: number): number;
  pread(fd: number, buf: Uint8Array, n: bigint, off: bigint): number | bigint;
  pwrite(fd: number, buf: Uint8Array, n: bigint, off: bigint): number | bigint;
  __errno_location(): Deno.PointerValue;
  strerror(errnum: number): Deno.PointerValue;
}

/** Allocation queries and hole punching. */
export interface LibcHoles {
  lseek(fd: number, off: bigint, whence: number): bigint;
  fallocate(fd: number, mode: number, off: bigint, len: bigint): number;
}

/** memcmp. */
export interface LibcMem {
  memcmp(a: Uint8Array, b: Uint8Array, n: bigint | number): number;
}

let allowed: boolean | undefined;

/** Whether this program may call native code. */
export function ffiAllowed(): boolean {
  if (allowed === undefined) {
    try {
      allowed = Deno.permissions.querySync({ name: "ffi" }).state === "granted";
    } catch {
      allowed = false;
    }
  }
  return allowed;
}

function bind<T>(symbols: Record<string, Deno.ForeignFunction>): T | null {
  if (!ffiAllowed()) return null;
  try {
    const lib = Deno.dlopen("libc.so.6", symbols).symbols as unknown as T;
    bound = true;
    return lib;
  } catch {
    return null;
  }
}

let bound = false;

/**
 * Whether some functions of the C library are bound already: a caller with little work to do
 * uses the C library only then, rather than pay for binding it.
 */
export function libcBound(): boolean {
  return bound;
}

let io: LibcIO | null | undefined;
let holes: LibcHoles | null | undefined;
let mem: LibcMem | null | undefined;

/** open/close/pread/pwrite and errno, or null without FFI. */
export function libcIO(): LibcIO | null {
  return io !== undefined ? io : io = bind<LibcIO>({
    open: { parameters: ["buffer", "i32"], result: "i32" },
    close: { parameters: ["i32"], result: "i32" },
    pread: { parameters: ["i32", "buffer", "usize", "i64"], result: "isize" },
    pwrite: { parameters: ["i32", "buffer", "usize", "i64"], result: "isize" },
    __errno_location: { parameters: [], result: "pointer" },
    strerror: { parameters: ["i32"], result: "pointer" },
  });
}

/** lseek and fallocate, or null without FFI. */
export function libcHoles(): LibcHoles | null {
  return holes !== undefined ? holes : holes = bind<LibcHoles>({
    lseek: { parameters: ["i32", "i64", "i32"], result: "i64" },
    fallocate: { parameters: ["i32", "i32", "i64", "i64"], result: "i32" },
  });
}

/** memcmp, or null without FFI. */
export function libcMem(): LibcMem | null {
  return mem !== undefined ? mem : mem = bind<LibcMem>({
    memcmp: { parameters: ["buffer", "buffer", "usize"], result: "i32" },
  });
}

/** The C library's text for the last failed call, as qemu prints it. */
export function lastError(c: LibcIO): string {
  const at = c.__errno_location();
  const errno = at ? new Deno.UnsafePointerView(at).getInt32() : 0;
  const text = c.strerror(errno);
  return text ? Deno.UnsafePointerView.getCString(text) : `error ${errno}`;
}
