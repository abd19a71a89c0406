package io.vippy.netlink;

/** Names for the errno values Vippy meets, so messages read "EEXIST (File exists)" instead of "17". */
final class Errno {
    private Errno() {
    }

    static String describe(int errno) {
        return switch (errno) {
            case 1 -> "EPERM (Operation not permitted: run as root or with CAP_NET_ADMIN)";
            case 2 -> "ENOENT (No such file or directory)";
            case 3 -> "ESRCH (No such process)";
            case 4 -> "EINTR (Interrupted system call)";
            case 9 -> "EBADF (Bad file descriptor)";
            case 11 -> "EAGAIN (Resource temporarily unavailable: the kernel did not answer in time)";
            case 13 -> "EACCES (Permission denied)";
            case 16 -> "EBUSY (Device or resource busy)";
            case 17 -> "EEXIST (File exists)";
            case 19 -> "ENODEV (No such device)";
            case 22 -> "EINVAL (Invalid argument)";
            case 34 -> "ERANGE (Numerical result out of range)";
            case 93 -> "EPROTONOSUPPORT (Protocol not supported: is the kernel module loaded?)";
            case 95 -> "EOPNOTSUPP (Operation not supported)";
            case 97 -> "EAFNOSUPPORT (Address family not supported)";
            case 99 -> "EADDRNOTAVAIL (Cannot assign requested address)";
            case 105 -> "ENOBUFS (No buffer space available: netlink socket overrun)";
            default -> "errno " + errno;
        };
    }
}
