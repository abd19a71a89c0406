package io.vippy.dataplane.nftables;

import io.vippy.core.ServiceKey;
import io.vippy.core.model.Addresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The layout of Vippy's table ({@code ip vippy} / {@code ip6 vippy}), the only table Vippy touches:
 * <pre>
 * map services  VIP . l4proto . port : verdict            (goto numgen-N | goto jhash-M | goto refuse), counter
 * map backends  VIP . l4proto . port . slot : addr . port  (one element per slot), counter
 * chain prerouting / output (nat, dstnat): ct state new daddr . l4proto . dport vmap @services
 * chain numgen-N / jhash-M: mark for masquerade, dnat to the backends-map entry of the chosen slot
 * chain postrouting (nat, srcnat): masquerade what Vippy marked (full NAT: backends need no route back)
 * chain refuse: mark a connection to a service with no usable backend as refused (nat chains cannot reject)
 * chain refuse-input / refuse-forward / refuse-output (filter): reject what refuse marked: TCP reset, else ICMP port unreachable
 * </pre>
 * A refused connection fails at once, as kube-proxy's do for a service without endpoints: a silent drop would
 * leave the client waiting for its own timeout, and no verdict at all would deliver it to whatever listens on
 * the host on that port.
 * Adding or removing a service or backend therefore changes only that service's map elements, in one
 * transaction; rules are written once, when the table is created.
 *
 * <p>All selector chains ({@code numgen-1..256}, {@code jhash-1021}) are created with the backends map, in
 * the same transaction: nft 1.0.6 cannot add a rule that uses a {@code typeof} map it read back from the
 * kernel ("conflicting protocols specified: tcp vs. th"), so no rule may refer to the map later.
 */
final class VippyRuleset {
    static final String TABLE = "vippy";
    static final String SERVICES = "services";
    static final String BACKENDS = "backends";
    /** Packet mark bit for "masquerade this": kube-proxy's is 0x4000, so Vippy uses another one. */
    static final int MASQUERADE_MARK = 0x00800000;
    /** Packet mark bit for "refuse this": set in the nat hooks, acted on in the filter hooks that follow them. */
    static final int REFUSE_MARK = 0x01000000;
    /** The chain a service with no usable backend goes to. */
    static final String REFUSE = "refuse";
    /**
     * Fixed jhash seed: without one the kernel picks a random seed per rule, and two Vippy nodes would send
     * the same flow to different backends.
     */
    static final String JHASH_SEED = "0x56495050";

    private static final NftTransaction.Hook PREROUTING = new NftTransaction.Hook("nat", "prerouting", -100);
    private static final NftTransaction.Hook OUTPUT = new NftTransaction.Hook("nat", "output", -100);
    private static final NftTransaction.Hook POSTROUTING = new NftTransaction.Hook("nat", "postrouting", 100);
    /** After the nat hooks (-100): input follows prerouting, and output's filter runs after its nat. */
    private static final NftTransaction.Hook REFUSE_INPUT = new NftTransaction.Hook("filter", "input", 0);
    private static final NftTransaction.Hook REFUSE_FORWARD = new NftTransaction.Hook("filter", "forward", 0);
    private static final NftTransaction.Hook REFUSE_OUTPUT = new NftTransaction.Hook("filter", "output", 0);

    private VippyRuleset() {
    }

    static NftTransaction transaction(NftFamily family) {
        return new NftTransaction(family, TABLE);
    }

    /** Most slots a numgen selector has: round robin over more backends than this is refused. */
    static final int MAX_NUMGEN_SLOTS = 256;

    /** Every selector chain a complete table has. */
    static List<Selector> selectors() {
        List<Selector> selectors = new ArrayList<>();
        for (int slots = 1; slots <= MAX_NUMGEN_SLOTS; slots++) {
            selectors.add(Selector.numgen(slots));
        }
        selectors.add(Selector.jhash(MaglevTable.DEFAULT_SIZE));
        return selectors;
    }

    /** Every chain a complete table has: the base chains and the selector chains. */
    static Set<String> chains() {
        Set<String> chains = new java.util.HashSet<>(List.of("prerouting", "output", "postrouting", REFUSE,
                "refuse-input", "refuse-forward", "refuse-output"));
        selectors().forEach(selector -> chains.add(selector.chainName()));
        return chains;
    }

    /** Whether a table with these chains was made by {@link #create} (and so needs no rebuild). */
    static boolean isComplete(Set<String> chains) {
        return chains.containsAll(chains());
    }

    /** A new table: maps, base chains and every selector chain, in the transaction that creates the map. */
    static void create(NftTransaction tx) {
        ensureBase(tx);
        selectors().forEach(selector -> addSelectorChain(tx, selector));
    }

    /** Table, maps and base chains; idempotent (add + flush + add rule), leaves map elements alone. */
    static void ensureBase(NftTransaction tx) {
        NftFamily family = tx.family();
        String ip = family.wireName();
        tx.addTable();
        tx.addMap(new NftTransaction.MapSpec(SERVICES, family.addressType() + " . inet_proto . inet_service", false,
                "verdict", true));
        tx.addMap(new NftTransaction.MapSpec(BACKENDS, ip + " daddr . meta l4proto . th dport . numgen inc mod 2",
                true, ip + " daddr . th dport", true));
        String dispatch = "ct state new " + ip + " daddr . meta l4proto . th dport vmap @" + SERVICES;
        ensureBaseChain(tx, "prerouting", PREROUTING, dispatch);
        ensureBaseChain(tx, "output", OUTPUT, dispatch);
        ensureBaseChain(tx, "postrouting", POSTROUTING,
                "meta mark & " + mark(MASQUERADE_MARK) + " == " + mark(MASQUERADE_MARK) + " masquerade");
        tx.addChain(REFUSE).flushChain(REFUSE).addRule(REFUSE, "meta mark set meta mark | " + mark(REFUSE_MARK));
        ensureRefuseChain(tx, "refuse-input", REFUSE_INPUT);
        ensureRefuseChain(tx, "refuse-forward", REFUSE_FORWARD);
        ensureRefuseChain(tx, "refuse-output", REFUSE_OUTPUT);
    }

    private static void ensureRefuseChain(NftTransaction tx, String name, NftTransaction.Hook hook) {
        String refused = "meta mark & " + mark(REFUSE_MARK) + " == " + mark(REFUSE_MARK);
        tx.addBaseChain(name, hook).flushChain(name)
                .addRule(name, refused + " meta l4proto tcp reject with tcp reset")
                .addRule(name, refused + " reject");
    }

    private static void ensureBaseChain(NftTransaction tx, String name, NftTransaction.Hook hook, String rule) {
        tx.addBaseChain(name, hook).flushChain(name).addRule(name, rule);
    }

    /** The shared chain of a selector: mark for masquerade, then DNAT to the chosen slot's backend. */
    private static void addSelectorChain(NftTransaction tx, Selector selector) {
        String ip = tx.family().wireName();
        String slot = switch (selector.kind()) {
            case NUMGEN -> "numgen inc mod " + selector.modulus();
            case JHASH -> "jhash " + flowHashInput(tx.family()) + " mod " + selector.modulus() + " seed " + JHASH_SEED;
            case NONE -> throw new IllegalArgumentException("no chain for a service without backends");
        };
        String chain = selector.chainName();
        tx.addChain(chain).addRule(chain, "meta l4proto { tcp, udp } meta mark set meta mark | "
                + mark(MASQUERADE_MARK) + " dnat " + ip + " to " + ip + " daddr . meta l4proto . th dport . " + slot + " map @"
                + BACKENDS);
    }

    /**
     * What mh hashes: the 4-tuple for IPv4. For IPv6 only the source address and port: the full 4-tuple
     * plus the map key overflows nft's registers, and nft 1.0.6 then aborts the process ("BUG: register
     * reg_low 12 invalid"). Destination address and port are the same for all flows of one service, so
     * leaving them out changes no choice between its backends.
     */
    private static String flowHashInput(NftFamily family) {
        String ip = family.wireName();
        return family == NftFamily.IP ? ip + " saddr . th sport . " + ip + " daddr . th dport" : ip + " saddr . th sport";
    }

    static NftTransaction.Element serviceElement(ServiceKey key, Selector selector) {
        return new NftTransaction.Element(serviceKeyParts(key), selector == null ? null : selector.verdict());
    }

    static NftTransaction.Element slotElement(ServiceKey key, int slot, BackendAddress backend) {
        List<String> parts = new java.util.ArrayList<>(serviceKeyParts(key));
        parts.add(Integer.toString(slot));
        return new NftTransaction.Element(parts,
                backend == null ? null : address(backend.address()) + " . " + backend.port());
    }

    private static List<String> serviceKeyParts(ServiceKey key) {
        return List.of(address(key.address()), key.protocol().wireName(), Integer.toString(key.port()));
    }

    static String address(InetAddress address) {
        return Addresses.format(address);
    }

    private static String mark(int bit) {
        return String.format("0x%08x", bit);
    }
}
