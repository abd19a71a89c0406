package io.vippy.bfd.codec;

/**
 * A BFD Control packet (RFC 5880 §4.1), version 1, without its authentication section: Vippy runs without
 * authentication and drops authenticated packets, so {@code authenticationPresent} is all it keeps of one.
 * Discriminators are unsigned 32-bit values and intervals microseconds, held in {@code long}s.
 */
public record BfdControlPacket(
        BfdDiagnostic diagnostic,
        BfdState state,
        boolean poll,
        boolean fin,
        boolean controlPlaneIndependent,
        boolean authenticationPresent,
        boolean demand,
        int detectMultiplier,
        long myDiscriminator,
        long yourDiscriminator,
        long desiredMinTxMicros,
        long requiredMinRxMicros,
        long requiredMinEchoRxMicros) {

    public BfdControlPacket {
        if (detectMultiplier < 1 || detectMultiplier > 255) {
            throw new IllegalArgumentException("detect multiplier must be 1..255, not " + detectMultiplier);
        }
        checkUnsigned32("my discriminator", myDiscriminator);
        checkUnsigned32("your discriminator", yourDiscriminator);
        checkUnsigned32("desired min TX interval", desiredMinTxMicros);
        checkUnsigned32("required min RX interval", requiredMinRxMicros);
        checkUnsigned32("required min echo RX interval", requiredMinEchoRxMicros);
    }

    /** What an asynchronous-mode system without echo, demand or authentication sends. */
    public static BfdControlPacket of(BfdState state, BfdDiagnostic diagnostic, boolean poll, boolean fin,
            int detectMultiplier, long myDiscriminator, long yourDiscriminator, long desiredMinTxMicros,
            long requiredMinRxMicros) {
        return new BfdControlPacket(diagnostic, state, poll, fin, false, false, false, detectMultiplier,
                myDiscriminator, yourDiscriminator, desiredMinTxMicros, requiredMinRxMicros, 0);
    }

    private static void checkUnsigned32(String field, long value) {
        if (value < 0 || value > 0xffff_ffffL) {
            throw new IllegalArgumentException(field + " must fit in 32 bits unsigned, not " + value);
        }
    }
}
