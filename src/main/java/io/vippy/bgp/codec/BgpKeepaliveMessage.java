package io.vippy.bgp.codec;

/** KEEPALIVE: the header alone. */
public record BgpKeepaliveMessage() implements BgpMessage {
    public static final BgpKeepaliveMessage INSTANCE = new BgpKeepaliveMessage();

    @Override
    public BgpMessageType type() {
        return BgpMessageType.KEEPALIVE;
    }
}
