package io.vippy.address.metal;

import org.eclipse.microprofile.config.spi.Converter;

/** {@code vippy.metal.cluster-id}: it goes into the tag {@code vippy:cluster=<id>}, so a host-name-like word. */
public class ClusterIdConverter implements Converter<String> {
    @Override
    public String convert(String value) {
        String id = value.trim();
        if (!id.isEmpty() && !id.matches("[A-Za-z0-9._-]{1,63}")) {
            throw new IllegalArgumentException("must be up to 63 letters, digits, '.', '-' or '_', not \"" + value + "\"");
        }
        return id.isEmpty() ? null : id;
    }
}
