package io.vippy.netlink;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * Lowers and raises one capability in the calling thread's effective set (capabilities are per thread on
 * Linux), keeping it permitted: the kernel itself then refuses that thread's calls with EPERM, a real fault
 * that clears without a restart.
 */
public final class ThreadCapabilities {
    public static final int CAP_NET_ADMIN = 12;
    /** _LINUX_CAPABILITY_VERSION_3: two 32-bit words per set. */
    private static final int VERSION_3 = 0x20080522;

    /** The two calls, implemented by jnr. */
    public interface Calls {
        int capget(@In int[] header, @Out int[] data);

        int capset(@In int[] header, @In int[] data);
    }

    private static final Calls LIBC = LibraryLoader.create(Calls.class).load("c");

    private ThreadCapabilities() {
    }

    public static void setEffective(int capability, boolean on) {
        int[] header = {VERSION_3, 0};
        // struct __user_cap_data_struct[2] { u32 effective; u32 permitted; u32 inheritable; }
        int[] data = new int[6];
        if (LIBC.capget(header, data) != 0) {
            throw new IllegalStateException("capget failed");
        }
        int word = capability / 32 * 3;
        int bit = 1 << (capability % 32);
        data[word] = on ? data[word] | bit : data[word] & ~bit;
        if (LIBC.capset(header, data) != 0) {
            throw new IllegalStateException("capset failed");
        }
    }
}
