package io.vippy.metrics;

/**
 * Spaces a costly periodic read so that it takes at most {@code 1/share} of its thread: after a read of {@code d},
 * the next is due {@code (share - 1) x d} after it ended. Reading the kernel's counters through libnftables costs
 * about 0.6 s of CPU at 10,000 services, which at every metrics tick would hold the kernel thread an eighth of the
 * time; with a few services a read takes milliseconds and every tick reads. Not thread-safe: one caller.
 */
final class ReadPacing {
    private final int share;
    private boolean read;
    private long nextRead;

    ReadPacing(int share) {
        if (share < 1) {
            throw new IllegalArgumentException("share must be at least 1: " + share);
        }
        this.share = share;
    }

    /** Whether a read may start at {@code now} (System.nanoTime()). */
    boolean due(long now) {
        return !read || now - nextRead >= 0;
    }

    /** Records a read that ran from {@code started} to {@code ended} (System.nanoTime()). */
    void took(long started, long ended) {
        read = true;
        nextRead = ended + (ended - started) * (share - 1);
    }
}
