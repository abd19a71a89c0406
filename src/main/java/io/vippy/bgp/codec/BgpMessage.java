package io.vippy.bgp.codec;

/** A decoded BGP message. */
public sealed interface BgpMessage permits BgpOpenMessage, BgpUpdateMessage, BgpNotificationMessage,
        BgpKeepaliveMessage, BgpRouteRefreshMessage {

    BgpMessageType type();
}
