package io.vippy.netlink;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

/**
 * The few libc calls Vippy makes directly; the rest of Vippy speaks JDK types. Public only because jnr-ffi
 * generates the implementation in its own class loader, which cannot implement a package-private interface.
 */
public interface LibC {
    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;
    int CLONE_NEWNET = 0x40000000;

    LibC INSTANCE = LibraryLoader.create(LibC.class).load("c");

    @SaveError
    int open(String path, int flags);

    @SaveError
    int close(int fd);

    @SaveError
    int setns(int fd, int nstype);

    static int lastErrno() {
        return Runtime.getRuntime(INSTANCE).getLastError();
    }

    /** Throws {@link NativeException} with errno when a call returned -1. */
    static int check(int result, String operation) {
        if (result < 0) {
            throw new NativeException(operation, lastErrno());
        }
        return result;
    }
}
