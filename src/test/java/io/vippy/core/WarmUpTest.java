package io.vippy.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vippy.core.model.Addresses;
import io.vippy.testing.VippyTestEnvironment;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The start-up warm-ups (API, store, dataplane, BGP) each run without failing (start-up only logs a failure, so only
 * this test would see one), and leave no trace: nothing stored, no revision used, nothing on the kernel.
 */
@QuarkusTest
@WithTestResource(VippyTestEnvironment.class)
class WarmUpTest {
    private static final String SAMPLE_ADDRESS = Addresses.format(WarmUp.SAMPLE.address());

    @Inject
    Instance<WarmUp> warmUps;

    @Inject
    StateStore store;

    @Test
    void everyWarmUpRunsAgainCleanlyAndLeavesNoTrace() {
        StoreSnapshot before = store.load();
        List<String> ran = new ArrayList<>();
        for (WarmUp warmUp : warmUps) {
            warmUp.warmUp();
            ran.add(warmUp.toString());
        }
        assertTrue(ran.size() >= 4, "API, store documents, state store, dataplane and BGP: " + ran);

        StoreSnapshot after = store.load();
        assertEquals(before.revision(), after.revision(), "no store revision used");
        assertFalse(after.loadBalancers().stream().anyMatch(s -> s.loadBalancer().uuid().equals(WarmUp.SAMPLE.uuid())),
                "the sample is not stored");
        assertEquals(java.util.Optional.empty(), store.unavailable(), "the store takes writes");
        String kernel = VippyTestEnvironment.namespace().exec("nft", "list", "ruleset").orThrow()
                + VippyTestEnvironment.namespace().exec("ip", "addr").orThrow();
        assertFalse(kernel.contains(SAMPLE_ADDRESS), "the sample's address is nowhere in the kernel:\n" + kernel);
    }
}
