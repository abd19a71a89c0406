package io.vippy.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The test cluster behaves as etcd does: writes need a quorum, and members killed or paused come back. */
class EtcdClusterTest {
    private EtcdCluster etcd;

    @BeforeEach
    void setUp() {
        RootOnly.assumeRoot();
        etcd = EtcdCluster.start();
    }

    @AfterEach
    void tearDown() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void writesNeedTwoOfThreeAndComeBackWhenAMemberRestarts() {
        assertTrue(etcd.etcdctl("put", "/t/a", "1").ok(), "a write with three members");
        int leader = etcd.awaitLeader(Duration.ofSeconds(5));

        etcd.kill(leader);
        int second = leader % EtcdCluster.SIZE + 1;
        etcd.kill(second);
        Shell.Result lonely = etcd.etcdctl("put", "/t/b", "2");
        assertFalse(lonely.ok(), "a write with one member of three must not succeed: " + lonely.output());

        etcd.restart(second);
        assertTrue(retryPut("/t/c", "3", Duration.ofSeconds(15)), "no write within 15 s of two members again\n" + etcd.logs());
        etcd.restart(leader);
        etcd.awaitHealthy(Duration.ofSeconds(15));
        assertEquals("/t/a\n1\n/t/c\n3\n", etcd.etcdctl("get", "--prefix", "/t/").orThrow(),
                "acknowledged writes survive, the refused one is absent");
    }

    @Test
    void aPausedLeaderIsReplacedAndRejoinsWhenResumed() {
        int leader = etcd.awaitLeader(Duration.ofSeconds(5));
        etcd.pause(leader);
        try {
            assertTrue(retryPut("/t/p", "1", Duration.ofSeconds(10)), "no write with the leader paused\n" + etcd.logs());
            int next = etcd.awaitLeader(Duration.ofSeconds(10));
            assertNotEquals(leader, next, "a paused member cannot lead");
        } finally {
            etcd.resume(leader);
        }
        etcd.awaitHealthy(Duration.ofSeconds(15));
        assertTrue(etcd.etcdctl("put", "/t/q", "2").ok());
    }

    /** Retries a put every 200 ms; whether one succeeded within the time. */
    private boolean retryPut(String key, String value, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        do {
            if (etcd.etcdctl("put", key, value).ok()) {
                return true;
            }
            sleep(200);
        } while (System.nanoTime() < deadline);
        return false;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
