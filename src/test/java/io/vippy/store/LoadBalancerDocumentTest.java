package io.vippy.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vippy.core.model.Backend;
import io.vippy.core.model.BackendHealth;
import io.vippy.core.model.HealthCheckSpec;
import io.vippy.core.model.InvalidConfigException;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.LoadBalancerStatus;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.Scheduler;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The stored format against golden documents: what this version writes, and what older versions wrote. */
class LoadBalancerDocumentTest {
    private final LoadBalancerDocument documents = new LoadBalancerDocument(new ObjectMapper().findAndRegisterModules());

    private static String golden(String name) throws Exception {
        return Files.readString(Path.of("src/test/resources/store", name)).trim();
    }

    private static LoadBalancer sample(LoadBalancerStatus status, BackendHealth health) throws Exception {
        return new LoadBalancer(UUID.fromString("087fcb0f-8e07-4123-a32f-e8e83a281023"), "test loadbalancer", 6443,
                Protocol.TCP, Scheduler.MH, IpFamily.IPV4,
                new HealthCheckSpec(HealthCheckSpec.Type.HTTP, "/healthz", 1000, 500, 2, 3),
                InetAddress.getByName("203.0.113.1"),
                List.of(new Backend(UUID.fromString("779344ce-0b0c-4a38-9c3b-4f3d0a0c5a11"),
                        InetAddress.getByName("10.80.96.25"), 6443, 2, health)), status, "some message");
    }

    @Test
    void writesFormatOneExactlyAsTheGoldenDocument() throws Exception {
        assertEquals(golden("format-1.json"), documents.encode(sample(LoadBalancerStatus.ACTIVE, BackendHealth.HEALTHY)),
                "status, message and health are not stored");
    }

    @Test
    void readsFormatOneAsDurableState() throws Exception {
        assertEquals(sample(LoadBalancerStatus.PENDING, BackendHealth.UNKNOWN).withStatus(LoadBalancerStatus.PENDING, ""),
                documents.decode("k", golden("format-1.json")));
        String deleting = golden("format-1.json").replace("\"deleting\":false", "\"deleting\":true");
        assertEquals(LoadBalancerStatus.DELETING, documents.decode("k", deleting).status());
    }

    @Test
    void upgradesWhatVersionZeroOneStored() throws Exception {
        LoadBalancer lb = documents.decode("k", golden("legacy-0.1-record.json"));
        assertEquals("test loadbalancer", lb.name());
        assertEquals(Scheduler.RR, lb.scheduler());
        assertEquals("10.80.96.25", lb.backends().get(0).ip().getHostAddress());
        assertEquals(LoadBalancerStatus.PENDING, lb.status());
        LoadBalancer again = documents.decode("k", documents.encode(lb));
        assertEquals(lb, again, "rewritten in format 1 without a loss");
    }

    @Test
    void refusesANewerFormatWithOneLineNamingTheStore() throws Exception {
        InvalidConfigException refused = assertThrows(InvalidConfigException.class,
                () -> documents.decode("lb/x", golden("format-1.json").replace("\"format\":1", "\"format\":2")));
        assertEquals("vippy.store", refused.property());
        assertTrue(refused.getMessage().contains("format 2, newer than this Vippy reads (1)"), refused.getMessage());
    }

    @Test
    void refusesFieldsItsFormatDoesNotHaveRatherThanDroppingThem() throws Exception {
        String extra = golden("format-1.json").replace("\"deleting\":false", "\"deleting\":false,\"owner\":\"x\"");
        InvalidConfigException refused = assertThrows(InvalidConfigException.class, () -> documents.decode("lb/x", extra));
        assertTrue(refused.getMessage().contains("\"owner\""), refused.getMessage());
        assertThrows(InvalidConfigException.class, () -> documents.decode("lb/x", "{\"format\":1}"));
        assertThrows(InvalidConfigException.class, () -> documents.decode("lb/x", "not json"));
    }
}
