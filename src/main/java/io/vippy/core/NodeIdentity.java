package io.vippy.core;

import io.smallrye.config.ConfigMapping;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** This node's name and address in a cluster ({@code vippy.node.*}); a single node has them too. */
@ConfigMapping(prefix = "vippy.node")
public interface NodeIdentity {

    /** Unset: the host name. */
    Optional<String> name();

    /** The address other nodes and operators know this node by; unset: the host name's address. */
    Optional<String> address();

    /** The configured name, else the host name. */
    default String nodeName() {
        return name().map(String::trim).filter(s -> !s.isEmpty()).orElseGet(NodeIdentity::hostName);
    }

    default String nodeAddress() {
        return address().map(String::trim).filter(s -> !s.isEmpty()).orElseGet(() -> {
            try {
                return InetAddress.getLocalHost().getHostAddress();
            } catch (UnknownHostException e) {
                return "";
            }
        });
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("vippy");
        }
    }
}
