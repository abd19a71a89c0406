package io.vippy.core;

/**
 * A leader's write refused because this node no longer holds the leadership (it was paused or cut off long enough
 * for another node to take over). Retrying on this node cannot help until it leads again; the new leader redoes
 * the work.
 */
public class FencedWriteException extends RuntimeException {
    public FencedWriteException(String message) {
        super(message);
    }
}
