package io.vippy.core;

import io.smallrye.config.ConfigMapping;
import io.vippy.core.model.Addresses;
import io.vippy.core.model.InvalidConfigException;
import io.vippy.core.model.ValidationException;
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

    /** The configured name, else the host name; a name that cannot be a key in the cluster's store is refused. */
    default String nodeName() {
        String name = name().map(String::trim).filter(s -> !s.isEmpty()).orElseGet(NodeIdentity::hostName);
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            throw new InvalidConfigException("vippy.node.name", "must be 1 to 63 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit, not \"" + name + "\"");
        }
        return name;
    }

    /** The configured address (an IP literal), else the host name's address. */
    default String nodeAddress() {
        Optional<String> configured = address().map(String::trim).filter(s -> !s.isEmpty());
        if (configured.isPresent()) {
            try {
                return Addresses.format(Addresses.parseLiteral(configured.get(), "vippy.node.address"));
            } catch (ValidationException e) {
                throw new InvalidConfigException("vippy.node.address", e.getMessage());
            }
        }
        return configured.orElseGet(() -> {
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
