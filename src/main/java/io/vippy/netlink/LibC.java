package io.vippy.netlink;

import java.util.function.LongSupplier;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The few libc calls Vippy makes directly. Package-private: the rest of Vippy speaks JDK types. The calls
 * sit in a public nested interface because jnr implements it from its own class loader, which cannot
 * see a package-private interface (IllegalAccessError); the holder class keeps it out of reach.
 */
final class LibC {
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;

    static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVTIMEO = 20;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_CAP_ACK = 10;
    static final int NETLINK_EXT_ACK = 11;
    /** recv flag: return the datagram's real length even when it did not fit, so truncation is detected. */
    static final int MSG_TRUNC = 0x20;

    static final Calls INSTANCE = LibraryLoader.create(Calls.class).load("c");

    private LibC() {
    }

    /** The native functions, implemented by jnr. */
    public interface Calls {
        @SaveError
        int open(String path, int flags);

        @SaveError
        int close(int fd);

        @SaveError
        int setns(int fd, int nstype);

        @SaveError
        int socket(int domain, int type, int protocol);

        @SaveError
        int bind(int fd, @In byte[] address, int addressLength);

        @SaveError
        int setsockopt(int fd, int level, int option, @In byte[] value, int valueLength);

        @SaveError
        @ssize_t
        long send(int fd, @In byte[] buffer, @size_t long length, int flags);

        @SaveError
        @ssize_t
        long recv(int fd, @Out byte[] buffer, @size_t long length, int flags);
    }

    static int lastErrno() {
        return Runtime.getRuntime(INSTANCE).getLastError();
    }

    /** Throws {@link NativeException} with errno when a call returned -1. */
    static int check(int result, String operation) {
        return (int) check((long) result, operation);
    }

    private static long check(long result, String operation) {
        if (result < 0) {
            throw new NativeException(operation, lastErrno());
        }
        return result;
    }

    /** Runs a call, repeating it while a signal interrupts it (EINTR); any other failure throws. */
    static long retryingOnInterrupt(LongSupplier call, String operation) {
        return NativeException.retryingOnInterrupt(() -> check(call.getAsLong(), operation));
    }
}
