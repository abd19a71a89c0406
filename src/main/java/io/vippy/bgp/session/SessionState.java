package io.vippy.bgp.session;

/** The RFC 4271 §8.2.2 states, for a speaker that connects out and never listens. */
public enum SessionState {
    /** Not connected: stopped, or waiting for the ConnectRetry timer after a session ended. */
    IDLE,
    /** The TCP connection is being opened. */
    CONNECT,
    /** The TCP connection failed; waiting for the ConnectRetry timer to try again (we never listen). */
    ACTIVE,
    /** TCP is up and our OPEN went out; waiting for the peer's OPEN. */
    OPEN_SENT,
    /** OPENs exchanged and our KEEPALIVE sent; waiting for the peer's KEEPALIVE. */
    OPEN_CONFIRM,
    /** Routes flow. */
    ESTABLISHED
}
