package io.vippy.bgp.codec;

/** ORIGIN attribute values (RFC 4271 §5.1.1). */
public enum BgpOrigin {
    IGP,
    EGP,
    INCOMPLETE;

    public int wireValue() {
        return ordinal();
    }
}
