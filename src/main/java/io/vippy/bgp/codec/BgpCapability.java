package io.vippy.bgp.codec;

import java.nio.ByteBuffer;

/** A capability this speaker does not interpret, kept as its code and value (RFC 5492). */
public record BgpCapability(int code, ByteBuffer value) {

    public BgpCapability {
        value = value.asReadOnlyBuffer();
    }
}
