package io.vippy.bfd.codec;

/** A received datagram is not a BFD Control packet this system may accept (RFC 5880 §6.8.6); it is dropped. */
public class BfdDecodingException extends RuntimeException {

    /** Why the packet was dropped; {@link #label()} names it in metrics. */
    public enum Reason {
        VERSION("version"),
        LENGTH("length"),
        MULTIPLIER("multiplier"),
        MULTIPOINT("multipoint"),
        DISCRIMINATOR("discriminator");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Reason reason;

    public BfdDecodingException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
