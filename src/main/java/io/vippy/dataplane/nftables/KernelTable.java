package io.vippy.dataplane.nftables;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vippy.core.ServiceKey;
import io.vippy.core.model.Addresses;
import io.vippy.core.model.Protocol;
import io.vippy.netlink.NativeException;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Vippy's table as the kernel holds it, parsed from libnftables' JSON ({@code nft -j list table ip vippy}):
 * the services and backends maps (with their per-element counters) and the names of the chains. Protocols
 * read in both forms libnftables prints: names, or numbers where the system has no {@code /etc/protocols}.
 */
record KernelTable(boolean exists, Map<ServiceKey, ProgrammedService> services, Map<ServiceKey, Long> serviceCounts,
        Map<ServiceKey, Map<BackendAddress, Long>> backendCounts, Set<String> chains) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static KernelTable absent() {
        return new KernelTable(false, Map.of(), Map.of(), Map.of(), Set.of());
    }

    /** Lists the family's table; a table that does not exist reads as {@link #absent()}. */
    static KernelTable read(NftContext context, NftFamily family) {
        String output;
        try {
            output = context.listJson("list table " + family.wireName() + " " + VippyRuleset.TABLE);
        } catch (NativeException e) {
            if (e.isNotFound()) {
                return absent();
            }
            throw e;
        }
        return parse(output);
    }

    static KernelTable parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new NativeException("read nft's JSON listing", NativeException.EBADMSG, e.getMessage());
        }
        Map<ServiceKey, Selector> selectors = new HashMap<>();
        Map<ServiceKey, Long> serviceCounts = new HashMap<>();
        Map<ServiceKey, Map<Integer, BackendAddress>> slots = new HashMap<>();
        Map<ServiceKey, Map<BackendAddress, Long>> backendCounts = new HashMap<>();
        Set<String> chains = new HashSet<>();
        for (JsonNode item : root.path("nftables")) {
            if (item.has("chain")) {
                chains.add(item.get("chain").path("name").asText());
            }
            JsonNode map = item.path("map");
            String name = map.path("name").asText();
            if (!hasVippyLayout(map)) {
                continue; // another version's map: the table is incomplete and will be recreated
            }
            for (JsonNode element : map.path("elem")) {
                JsonNode key = element.get(0);
                JsonNode counter = key.path("elem").path("counter");
                JsonNode parts = key.has("elem") ? key.get("elem").path("val").path("concat") : key.path("concat");
                ServiceKey service = serviceKey(parts);
                if (name.equals(VippyRuleset.SERVICES)) {
                    selectors.put(service, Selector.parseVerdict(verdict(element.get(1))));
                    serviceCounts.merge(service, counter.path("packets").asLong(), Long::sum);
                } else if (name.equals(VippyRuleset.BACKENDS)) {
                    JsonNode value = element.get(1).path("concat");
                    BackendAddress backend = new BackendAddress(
                            Addresses.parseLiteral(value.get(0).asText(), "backend"), value.get(1).asInt());
                    slots.computeIfAbsent(service, k -> new TreeMap<>()).put(parts.get(3).asInt(), backend);
                    backendCounts.computeIfAbsent(service, k -> new HashMap<>())
                            .merge(backend, counter.path("packets").asLong(), Long::sum);
                }
            }
        }
        Map<ServiceKey, ProgrammedService> services = new HashMap<>();
        Set<ServiceKey> keys = new HashSet<>(selectors.keySet());
        keys.addAll(slots.keySet());
        for (ServiceKey key : keys) {
            services.put(key, new ProgrammedService(key, selectors.get(key), slots.getOrDefault(key, Map.of())));
        }
        return new KernelTable(true, services, serviceCounts, backendCounts, chains);
    }

    /** The services map keys on address . inet_proto . inet_service, the backends map adds a slot. */
    private static boolean hasVippyLayout(JsonNode map) {
        JsonNode type = map.path("type");
        int parts = map.path("name").asText().equals(VippyRuleset.SERVICES) ? 3 : 4;
        return type.isArray() && type.size() == parts && type.get(1).asText().equals("inet_proto")
                && type.get(2).asText().equals("inet_service");
    }

    private static ServiceKey serviceKey(JsonNode concat) {
        return new ServiceKey(Addresses.parseLiteral(concat.get(0).asText(), "service address"),
                protocol(concat.get(1)), concat.get(2).asInt());
    }

    /**
     * libnftables prints a protocol by its name from {@code /etc/protocols}, and by its number where that file
     * is missing, as in minimal container images.
     */
    private static Protocol protocol(JsonNode printed) {
        return printed.isInt() ? Protocol.ofNumber(printed.asInt()) : Protocol.parse(printed.asText());
    }

    /** {"goto": {"target": "numgen-2"}} as "goto numgen-2", {"drop": null} as "drop". */
    private static String verdict(JsonNode value) {
        String kind = value.fieldNames().next();
        JsonNode target = value.path(kind).path("target");
        return target.isMissingNode() ? kind : kind + " " + target.asText();
    }
}
