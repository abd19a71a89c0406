package io.vippy.dataplane.nftables;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A batch of typed nft operations on one table, in the style of knftables: operations are queued, and
 * {@link #toString()} is exactly the script that {@link NftContext#run(NftTransaction)} sends in one
 * {@code nft_run_cmd_from_buffer} call, which the kernel applies atomically (all or nothing).
 */
final class NftTransaction {
    enum Verb {
        ADD, DELETE, FLUSH;

        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A base chain's hook: {@code type nat hook prerouting priority -100}. */
    record Hook(String type, String hook, int priority) {
    }

    /** A map definition; {@code typeofKey} writes the key as {@code typeof EXPR} instead of {@code type T}. */
    record MapSpec(String name, String key, boolean typeofKey, String value, boolean counter) {
    }

    /** A set or map element: key parts joined with " . ", and for maps a value. */
    record Element(List<String> key, String value) {
        Element {
            key = List.copyOf(key);
        }

        String render(boolean withValue) {
            String text = String.join(" . ", key);
            return withValue && value != null ? text + " : " + value : text;
        }
    }

    private sealed interface Operation permits TableOp, ChainOp, RuleOp, MapOp, ElementOp {
        String render(String target);
    }

    private record TableOp(Verb verb) implements Operation {
        public String render(String target) {
            return verb.wireName() + " table " + target;
        }
    }

    private record ChainOp(Verb verb, String name, Hook hook) implements Operation {
        public String render(String target) {
            String line = verb.wireName() + " chain " + target + " " + name;
            return hook == null ? line : line + " { type " + hook.type() + " hook " + hook.hook() + " priority "
                    + hook.priority() + " ; policy accept ; }";
        }
    }

    private record RuleOp(String chain, String body) implements Operation {
        public String render(String target) {
            return "add rule " + target + " " + chain + " " + body;
        }
    }

    private record MapOp(Verb verb, String name, MapSpec spec) implements Operation {
        public String render(String target) {
            String line = verb.wireName() + " map " + target + " " + name;
            if (spec == null) {
                return line;
            }
            return line + " { " + (spec.typeofKey() ? "typeof " : "type ") + spec.key() + " : " + spec.value()
                    + " ;" + (spec.counter() ? " counter ;" : "") + " }";
        }
    }

    private record ElementOp(Verb verb, String map, List<Element> elements) implements Operation {
        public String render(String target) {
            boolean withValue = verb == Verb.ADD;
            return verb.wireName() + " element " + target + " " + map + " { "
                    + elements.stream().map(e -> e.render(withValue)).collect(Collectors.joining(", ")) + " }";
        }
    }

    private final NftFamily family;
    private final String table;
    private final List<Operation> operations = new ArrayList<>();

    NftTransaction(NftFamily family, String table) {
        this.family = family;
        this.table = table;
    }

    NftFamily family() {
        return family;
    }

    NftTransaction addTable() {
        return queue(new TableOp(Verb.ADD));
    }

    NftTransaction deleteTable() {
        return queue(new TableOp(Verb.DELETE));
    }

    NftTransaction addChain(String name) {
        return queue(new ChainOp(Verb.ADD, name, null));
    }

    NftTransaction addBaseChain(String name, Hook hook) {
        return queue(new ChainOp(Verb.ADD, name, hook));
    }

    NftTransaction flushChain(String name) {
        return queue(new ChainOp(Verb.FLUSH, name, null));
    }

    NftTransaction deleteChain(String name) {
        return queue(new ChainOp(Verb.DELETE, name, null));
    }

    NftTransaction addRule(String chain, String body) {
        return queue(new RuleOp(chain, body));
    }

    NftTransaction addMap(MapSpec spec) {
        return queue(new MapOp(Verb.ADD, spec.name(), spec));
    }

    NftTransaction flushMap(String name) {
        return queue(new MapOp(Verb.FLUSH, name, null));
    }

    NftTransaction deleteMap(String name) {
        return queue(new MapOp(Verb.DELETE, name, null));
    }

    NftTransaction addElements(String map, List<Element> elements) {
        return elements.isEmpty() ? this : queue(new ElementOp(Verb.ADD, map, List.copyOf(elements)));
    }

    /** Deletes elements by key (values, if any, are ignored). */
    NftTransaction deleteElements(String map, List<Element> elements) {
        return elements.isEmpty() ? this : queue(new ElementOp(Verb.DELETE, map, List.copyOf(elements)));
    }

    boolean isEmpty() {
        return operations.isEmpty();
    }

    int size() {
        return operations.size();
    }

    private NftTransaction queue(Operation operation) {
        operations.add(operation);
        return this;
    }

    /** The exact nft script: one command per line. */
    @Override
    public String toString() {
        String target = family.wireName() + " " + table;
        StringBuilder script = new StringBuilder();
        for (Operation operation : operations) {
            script.append(operation.render(target)).append('\n');
        }
        return script.toString();
    }
}
