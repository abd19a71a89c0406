package io.vippy.netlink;

import java.util.List;
import java.util.Optional;

/**
 * The errno values Vippy meets, with the C library's text for each: messages read "EEXIST (File exists)" instead
 * of "17", and a library that reports failures only as text (libnftables prints strerror) yields the errno back.
 */
final class Errno {
    private record Entry(int number, String name, String text, String hint) {
    }

    private static final List<Entry> KNOWN = List.of(
            new Entry(NativeException.EPERM, "EPERM", "Operation not permitted", "run as root or with CAP_NET_ADMIN"),
            new Entry(NativeException.ENOENT, "ENOENT", "No such file or directory", ""),
            new Entry(NativeException.ESRCH, "ESRCH", "No such process", ""),
            new Entry(NativeException.EINTR, "EINTR", "Interrupted system call", ""),
            new Entry(NativeException.EBADF, "EBADF", "Bad file descriptor", ""),
            new Entry(NativeException.EAGAIN, "EAGAIN", "Resource temporarily unavailable",
                    "the kernel did not answer in time"),
            new Entry(NativeException.ENOMEM, "ENOMEM", "Cannot allocate memory", ""),
            new Entry(NativeException.EACCES, "EACCES", "Permission denied", ""),
            new Entry(NativeException.EBUSY, "EBUSY", "Device or resource busy", ""),
            new Entry(NativeException.EEXIST, "EEXIST", "File exists", ""),
            new Entry(NativeException.ENODEV, "ENODEV", "No such device", ""),
            new Entry(NativeException.EINVAL, "EINVAL", "Invalid argument", ""),
            new Entry(NativeException.ENOSPC, "ENOSPC", "No space left on device", ""),
            new Entry(NativeException.ERANGE, "ERANGE", "Numerical result out of range", ""),
            new Entry(NativeException.EBADMSG, "EBADMSG", "Bad message", ""),
            new Entry(NativeException.EPROTONOSUPPORT, "EPROTONOSUPPORT", "Protocol not supported",
                    "is the kernel module loaded?"),
            new Entry(NativeException.EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported", ""),
            new Entry(NativeException.EAFNOSUPPORT, "EAFNOSUPPORT", "Address family not supported by protocol", ""),
            new Entry(NativeException.EADDRNOTAVAIL, "EADDRNOTAVAIL", "Cannot assign requested address", ""),
            new Entry(NativeException.ENOBUFS, "ENOBUFS", "No buffer space available", "netlink socket overrun"));

    private Errno() {
    }

    static String describe(int errno) {
        return KNOWN.stream().filter(e -> e.number() == errno).findFirst()
                .map(e -> e.name() + " (" + e.text() + (e.hint().isEmpty() ? "" : ": " + e.hint()) + ")")
                .orElse("errno " + errno);
    }

    /** The errno whose C library text appears in {@code message}, if any. */
    static Optional<Integer> fromText(String message) {
        return KNOWN.stream().filter(e -> message.contains(e.text())).map(Entry::number).findFirst();
    }
}
