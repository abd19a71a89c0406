package io.vippy.netlink;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * An {@code NLMSG_ERROR} message: error 0 is an acknowledgement, otherwise a negative errno, with the
 * kernel's explanation when extended acks are on ({@code NLMSGERR_ATTR_MSG}).
 */
public record NetlinkErrorMessage(int error, Optional<String> explanation) {

    public boolean isAck() {
        return error == 0;
    }

    public static NetlinkErrorMessage decode(NetlinkMessage message) {
        ByteBuffer in = message.payloadBuffer();
        if (in.remaining() < 4 + NetlinkConstants.HEADER_LENGTH) {
            throw new NetlinkDecodingException("netlink error message has " + in.remaining()
                    + " bytes, needs at least " + (4 + NetlinkConstants.HEADER_LENGTH));
        }
        int error = in.getInt();
        int echoedLength = in.getInt(in.position());
        // The echoed request is its header only when capped, else the whole request.
        int echoed = (message.flags() & NetlinkConstants.NLM_F_CAPPED) != 0
                ? NetlinkConstants.HEADER_LENGTH : NetlinkConstants.align(echoedLength);
        if (echoed < NetlinkConstants.HEADER_LENGTH || echoed > in.remaining()) {
            throw new NetlinkDecodingException("netlink error message echoes " + echoedLength + " request bytes but "
                    + in.remaining() + " remain");
        }
        in.position(in.position() + echoed);
        Optional<String> explanation = Optional.empty();
        if ((message.flags() & NetlinkConstants.NLM_F_ACK_TLVS) != 0 && in.hasRemaining()) {
            NetlinkAttributes attributes = NetlinkAttributes.decode(in);
            if (attributes.has(NetlinkConstants.NLMSGERR_ATTR_MSG)) {
                explanation = Optional.of(attributes.string(NetlinkConstants.NLMSGERR_ATTR_MSG));
            }
        }
        return new NetlinkErrorMessage(error, explanation);
    }
}
