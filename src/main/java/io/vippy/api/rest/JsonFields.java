package io.vippy.api.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vippy.core.model.ValidationException;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * A request body read strictly: JSON whatever the Content-Type says, an object, only known fields, each of the
 * right type. Every problem is a {@link ValidationException} with one sentence naming the field.
 */
final class JsonFields {
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final ObjectNode node;
    private final String where;

    private JsonFields(ObjectNode node, String where) {
        this.node = node;
        this.where = where;
    }

    static JsonFields parse(ObjectMapper json, byte[] body, Set<String> allowed) {
        if (body == null || body.length == 0) {
            throw new ValidationException("the request needs a JSON object body.");
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new BodyTooLargeException("the request body is larger than " + MAX_BODY_BYTES + " bytes.");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ValidationException("the request body is not valid JSON: " + e.getOriginalMessage() + ".");
        } catch (java.io.IOException e) {
            throw new ValidationException("the request body could not be read.");
        }
        return of(root, "", allowed);
    }

    private static JsonFields of(JsonNode root, String where, Set<String> allowed) {
        if (!(root instanceof ObjectNode object)) {
            throw new ValidationException((where.isEmpty() ? "the request body" : where) + " must be a JSON object.");
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new ValidationException("unknown field \"" + where + name + "\"; known fields are "
                        + String.join(", ", allowed.stream().sorted().toList()) + ".");
            }
        }
        return new JsonFields(object, where);
    }

    /** A nested object, if present and not null. */
    Optional<JsonFields> object(String field, Set<String> allowed) {
        return present(field).map(value -> of(value, where + field + ".", allowed));
    }

    String requiredString(String field) {
        return optionalString(field).orElseThrow(() -> new ValidationException(where + field + " is required."));
    }

    Optional<String> optionalString(String field) {
        return present(field).map(value -> {
            if (!value.isTextual()) {
                throw new ValidationException(where + field + " must be a string.");
            }
            return value.textValue();
        });
    }

    /** An integer given as a JSON number or a numeric string (the original Vippy clients send both). */
    Optional<Integer> optionalInt(String field, int min, int max) {
        return present(field).map(value -> {
            long number;
            if (value.isIntegralNumber() && value.canConvertToLong()) {
                number = value.longValue();
            } else if (value.isTextual() && value.textValue().trim().matches("-?\\d{1,10}")) {
                number = Long.parseLong(value.textValue().trim());
            } else {
                throw outOfRange(field, min, max);
            }
            if (number < min || number > max) {
                throw outOfRange(field, min, max);
            }
            return (int) number;
        });
    }

    int requiredInt(String field, int min, int max) {
        return optionalInt(field, min, max).orElseThrow(() -> new ValidationException(where + field + " is required."));
    }

    private ValidationException outOfRange(String field, int min, int max) {
        return new ValidationException(where + field + " must be a whole number from " + min + " to " + max + ".");
    }

    private Optional<JsonNode> present(String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }
}
