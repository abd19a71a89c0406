package io.vippy.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vippy.core.model.Addresses;
import io.vippy.core.model.Backend;
import io.vippy.core.model.BackendHealth;
import io.vippy.core.model.HealthCheckSpec;
import io.vippy.core.model.InvalidConfigException;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.LoadBalancerStatus;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.Scheduler;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The stored form of a load balancer, versioned apart from the domain record so that the record can change without
 * making stored data unreadable. Format 1 holds exactly the durable state (request, address, whether it is being
 * deleted); a document without a format is the record as version 0.1 stored it, read through the upgrade path. A
 * document of a newer format, or one with fields its format does not have, is refused rather than half read.
 */
public final class LoadBalancerDocument {
    public static final int FORMAT = 1;
    private static final Set<String> FIELDS = Set.of("format", "uuid", "name", "port", "protocol", "scheduler",
            "ipFamily", "healthCheck", "address", "deleting", "backends");
    private static final Set<String> BACKEND_FIELDS = Set.of("uuid", "ip", "port", "weight");
    private static final Set<String> CHECK_FIELDS = Set.of("type", "path", "intervalMs", "timeoutMs", "rise", "fall");

    private final ObjectMapper json;
    private final ObjectMapper legacy;

    public LoadBalancerDocument(ObjectMapper json) {
        this.json = json;
        this.legacy = json.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    /** The durable state of {@code lb} as a format-1 document. */
    public String encode(LoadBalancer lb) {
        ObjectNode doc = json.createObjectNode();
        doc.put("format", FORMAT);
        doc.put("uuid", lb.uuid().toString());
        doc.put("name", lb.name());
        doc.put("port", lb.port());
        doc.put("protocol", lb.protocol().wireName());
        doc.put("scheduler", lb.scheduler().wireName());
        doc.put("ipFamily", lb.ipFamily().wireName());
        HealthCheckSpec check = lb.healthCheck();
        ObjectNode checkNode = doc.putObject("healthCheck");
        checkNode.put("type", check.type().wireName());
        checkNode.put("path", check.path());
        checkNode.put("intervalMs", check.intervalMs());
        checkNode.put("timeoutMs", check.timeoutMs());
        checkNode.put("rise", check.rise());
        checkNode.put("fall", check.fall());
        doc.put("address", lb.address() == null ? null : Addresses.format(lb.address()));
        doc.put("deleting", lb.status() == LoadBalancerStatus.DELETING);
        ArrayNode backends = doc.putArray("backends");
        for (Backend backend : lb.backends()) {
            ObjectNode node = backends.addObject();
            node.put("uuid", backend.uuid().toString());
            node.put("ip", Addresses.format(backend.ip()));
            node.put("port", backend.port());
            node.put("weight", backend.weight());
        }
        try {
            return json.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode load balancer " + lb.uuid(), e);
        }
    }

    /**
     * The load balancer a document holds, as durable state (PENDING or DELETING, backends' health unknown). Throws
     * {@link InvalidConfigException} naming {@code vippy.store} for a document this version cannot read.
     */
    public LoadBalancer decode(String key, String text) {
        JsonNode doc;
        try {
            doc = json.readTree(text);
        } catch (JsonProcessingException e) {
            throw unreadable(key, "not JSON: " + e.getOriginalMessage());
        }
        if (!doc.isObject()) {
            throw unreadable(key, "not a JSON object");
        }
        if (!doc.has("format")) {
            return decodeLegacy(key, text);
        }
        int format = doc.get("format").asInt(-1);
        if (format > FORMAT) {
            throw new InvalidConfigException("vippy.store", "stored load balancer " + key + " has format " + format
                    + ", newer than this Vippy reads (" + FORMAT + "); run a Vippy at least as new as the one that wrote it");
        }
        if (format != FORMAT) {
            throw unreadable(key, "format " + doc.get("format") + " is not one this Vippy knows");
        }
        try {
            return decodeFormat1(doc);
        } catch (RuntimeException e) {
            throw unreadable(key, e.getMessage());
        }
    }

    private LoadBalancer decodeFormat1(JsonNode doc) {
        requireOnly(doc, FIELDS, "load balancer");
        JsonNode check = doc.get("healthCheck");
        requireOnly(check, CHECK_FIELDS, "healthCheck");
        HealthCheckSpec healthCheck = new HealthCheckSpec(HealthCheckSpec.Type.parse(text(check, "type")),
                check.path("path").isNull() ? null : text(check, "path"), number(check, "intervalMs"),
                number(check, "timeoutMs"), number(check, "rise"), number(check, "fall"));
        List<Backend> backends = new ArrayList<>();
        for (JsonNode node : doc.withArray("backends")) {
            requireOnly(node, BACKEND_FIELDS, "backend");
            backends.add(new Backend(UUID.fromString(text(node, "uuid")), Addresses.parseLiteral(text(node, "ip"), "ip"),
                    number(node, "port"), number(node, "weight"), BackendHealth.UNKNOWN));
        }
        JsonNode address = doc.get("address");
        boolean deleting = doc.path("deleting").asBoolean(false);
        return new LoadBalancer(UUID.fromString(text(doc, "uuid")), text(doc, "name"), number(doc, "port"),
                Protocol.parse(text(doc, "protocol")), Scheduler.parse(text(doc, "scheduler")),
                IpFamily.parse(text(doc, "ipFamily")), healthCheck,
                address == null || address.isNull() ? null : Addresses.parseLiteral(address.asText(), "address"),
                backends, deleting ? LoadBalancerStatus.DELETING : LoadBalancerStatus.PENDING, "");
    }

    /** Version 0.1 stored the domain record itself: read it the way it was written, keep only the durable state. */
    private LoadBalancer decodeLegacy(String key, String text) {
        try {
            return legacy.readValue(text, LoadBalancer.class).durableState();
        } catch (JsonProcessingException | RuntimeException e) {
            throw unreadable(key, e.getMessage());
        }
    }

    private static void requireOnly(JsonNode node, Set<String> allowed, String what) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(what + " is missing or not an object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException(what + " has a field \"" + name + "\" its format does not have");
            }
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" is missing or not text");
        }
        return value.asText();
    }

    private static int number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new IllegalArgumentException("\"" + field + "\" is missing or not a number");
        }
        return value.asInt();
    }

    private static InvalidConfigException unreadable(String key, String why) {
        return new InvalidConfigException("vippy.store", "stored load balancer " + key + " is unreadable: " + why);
    }
}
