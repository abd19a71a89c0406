package io.vippy.bgp.codec;

import java.nio.ByteBuffer;

/** A path attribute this speaker does not interpret, kept with its flags and value. */
public record BgpRawAttribute(int flags, int typeCode, ByteBuffer value) {

    public BgpRawAttribute {
        value = value.asReadOnlyBuffer();
    }
}
