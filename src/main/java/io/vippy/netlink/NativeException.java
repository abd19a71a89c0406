package io.vippy.netlink;

import java.util.Set;
import java.util.function.Supplier;

/**
 * The one failure of a native call (a system call, a netlink request, a libnftables command): carries the
 * operation and errno, and the native side's own explanation when it gave one. Whether it means "not there",
 * "already there" or "the request itself is wrong" is decided from errno here and nowhere else.
 */
public class NativeException extends RuntimeException {
    /** How often {@link #retryingOnInterrupt} runs a call that a signal keeps interrupting. */
    private static final int INTERRUPTED_ATTEMPTS = 100;

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int ERANGE = 34;
    public static final int EBADMSG = 74;
    public static final int EPROTONOSUPPORT = 93;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENOBUFS = 105;

    /** Errors that say the request cannot succeed as asked, however often it is retried. */
    private static final Set<Integer> INVALID_REQUEST = Set.of(EINVAL, ERANGE, EAFNOSUPPORT, EOPNOTSUPP,
            EPROTONOSUPPORT);

    private final String operation;
    private final int errno;

    public NativeException(String operation, int errno) {
        super(operation + " failed: " + Errno.describe(errno));
        this.operation = operation;
        this.errno = errno;
    }

    /** With the native side's own explanation (netlink extended ack, libnftables' error text). */
    public NativeException(String operation, int errno, String explanation) {
        super(operation + " failed: " + Errno.describe(errno) + ": " + explanation);
        this.operation = operation;
        this.errno = errno;
    }

    /**
     * A failure a library reported only as text: the errno is the one whose C library text it quotes, else
     * EINVAL (a parser's complaint, such as nft's "syntax error", names no errno and means a wrong request).
     */
    public static NativeException fromErrorText(String operation, String text) {
        return new NativeException(operation, Errno.fromText(text).orElse(EINVAL), text);
    }

    /**
     * Runs a call, repeating it while a signal interrupts it (EINTR): the one place EINTR is retried. Bounded: a call
     * that is interrupted every time fails with its last EINTR instead of spinning for ever.
     */
    public static <T> T retryingOnInterrupt(Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (NativeException e) {
                if (e.errno() != EINTR || attempt == INTERRUPTED_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    public String operation() {
        return operation;
    }

    public int errno() {
        return errno;
    }

    public boolean isNotFound() {
        return errno == ENOENT || errno == ESRCH || errno == EADDRNOTAVAIL;
    }

    public boolean isAlreadyExists() {
        return errno == EEXIST;
    }

    public boolean isPermissionDenied() {
        return errno == EPERM || errno == EACCES;
    }

    /** The request itself is wrong (or the kernel cannot do it): retrying the same one cannot succeed. */
    public boolean isInvalidRequest() {
        return INVALID_REQUEST.contains(errno);
    }
}
