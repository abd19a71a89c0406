package io.vippy.netlink;

/** A system call or kernel request failed: carries the operation and errno. */
public class NativeException extends RuntimeException {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ERANGE = 34;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENOBUFS = 105;

    private final String operation;
    private final int errno;

    public NativeException(String operation, int errno) {
        super(operation + " failed: " + Errno.describe(errno));
        this.operation = operation;
        this.errno = errno;
    }

    /** With the kernel's own explanation (netlink extended ack), when it gave one. */
    public NativeException(String operation, int errno, String kernelExplanation) {
        super(operation + " failed: " + Errno.describe(errno) + ": " + kernelExplanation);
        this.operation = operation;
        this.errno = errno;
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
        return errno == EPERM;
    }
}
