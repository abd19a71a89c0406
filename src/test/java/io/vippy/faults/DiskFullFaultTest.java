package io.vippy.faults;

import static io.restassured.RestAssured.given;
import static io.vippy.testing.FaultChecks.api;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vippy.api.grpc.v1.CreateLoadBalancerRequest;
import io.vippy.api.grpc.v1.MutinyLoadBalancerServiceGrpc;
import io.vippy.core.StateStore;
import io.vippy.testing.FaultChecks;
import io.vippy.testing.TmpfsMount;
import io.vippy.testing.VippyTestEnvironment;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fault: the disk under the data directory full (a 512 KiB tmpfs, filled up while load balancers are being created).
 * A create is acknowledged (201) or refused with 507 and a sentence (RESOURCE_EXHAUSTED over gRPC), never a 500;
 * the store check of readiness and {@code vippy_store_available} name the fault; what was acknowledged is kept and
 * comes up; and once space is freed, writes are taken again by themselves, without a restart or another call.
 */
@QuarkusTest
@WithTestResource(value = VippyTestEnvironment.class,
        initArgs = @ResourceArg(name = VippyTestEnvironment.DATA_DIR_KIB, value = "512"))
class DiskFullFaultTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** More creates than the write-ahead log could still hold once the disk is full. */
    private static final int CREATES_WHILE_FULL = 50;

    @Inject
    StateStore store;

    @AfterEach
    void spaceBack() {
        VippyTestEnvironment.dataDirMount().free();
    }

    @Test
    void aFullDiskRefusesChangesWith507AndLosesNothingAndWritesResumeOnceSpaceIsFreed() throws Exception {
        TmpfsMount disk = VippyTestEnvironment.dataDirMount();
        List<String> acknowledged = new ArrayList<>(List.of(FaultChecks.create("before-full", 8090)));
        FaultChecks.awaitRecovered(acknowledged.get(0), WAIT);
        assertEquals("1.0", storeAvailable(), "the store takes writes before the fault");

        disk.fill();
        Response refused = null;
        for (int i = 0; i < CREATES_WHILE_FULL && refused == null; i++) {
            Response answer = api().body("{\"name\":\"while-full-" + i + "\",\"port\":8090}").post("/loadbalancer");
            if (answer.statusCode() == 201) {
                acknowledged.add(answer.path("uuid"));
            } else {
                refused = answer;
            }
        }
        assertNotNull(refused, CREATES_WHILE_FULL + " creates acknowledged on a full disk");
        assertEquals(507, refused.statusCode(), refused.asString());
        String sentence = refused.jsonPath().getString("error");
        assertTrue(sentence.contains("not acknowledged") && sentence.contains(disk.dir() + " is full"), sentence);

        StatusRuntimeException overGrpc = assertThrows(StatusRuntimeException.class, this::createOverGrpc);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, overGrpc.getStatus().getCode(), overGrpc.toString());
        assertTrue(overGrpc.getStatus().getDescription().contains("is full"), overGrpc.getStatus().getDescription());

        Response ready = given().get("/q/health/ready");
        assertEquals(503, ready.statusCode(), ready.asString());
        assertEquals("DOWN", ready.jsonPath().getString("checks.find { it.name == 'store' }.status"), ready.asString());
        assertTrue(ready.jsonPath().getString("checks.find { it.name == 'store' }.data.reason")
                .contains(disk.dir() + " is full"), ready.asString());
        assertEquals("0.0", storeAvailable(), "the metrics show the store refusing writes");
        assertEquals(Set.copyOf(acknowledged), listed(), "reads answer everything acknowledged, and only that");

        disk.free();
        Awaitility.await("store writable again, with no call").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> "1.0".equals(storeAvailable()));
        for (String uuid : acknowledged) {
            FaultChecks.awaitRecovered(uuid, WAIT);
        }
        String after = FaultChecks.create("after-full", 8090);
        acknowledged.add(after);
        FaultChecks.awaitRecovered(after, WAIT);
        Awaitility.await("ready again").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
        assertEquals(Set.copyOf(acknowledged), store.load().loadBalancers().stream()
                .map(stored -> stored.loadBalancer().uuid().toString()).collect(Collectors.toSet()),
                "on disk: every load balancer acknowledged, none refused");
        acknowledged.forEach(uuid -> api().delete("/loadbalancer/" + uuid));
    }

    private static String storeAvailable() {
        return api().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(line -> line.startsWith("vippy_store_available{") && line.contains("store=\"sqlite\""))
                .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                .findFirst().orElse("missing");
    }

    private static Set<String> listed() {
        return Set.copyOf(api().get("/loadbalancers").then().statusCode(200).extract().jsonPath().getList("uuid"));
    }

    private void createOverGrpc() {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        try {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                    "Bearer " + VippyTestEnvironment.TOKEN);
            MutinyLoadBalancerServiceGrpc.newMutinyStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .createLoadBalancer(CreateLoadBalancerRequest.newBuilder().setName("grpc-while-full").setPort(8090)
                            .build())
                    .await().atMost(WAIT);
        } finally {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
