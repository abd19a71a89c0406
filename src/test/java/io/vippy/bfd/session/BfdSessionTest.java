package io.vippy.bfd.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.vippy.bfd.codec.BfdControlPacket;
import io.vippy.bfd.codec.BfdDiagnostic;
import io.vippy.bfd.codec.BfdState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two sessions wired back to back in memory, on a real event loop with real timers (50 ms x 3). */
class BfdSessionTest {
    private static final BfdTimers TIMERS = new BfdTimers(Duration.ofMillis(50), 3);

    private final EventLoop loop = new DefaultEventLoop();
    private final List<BfdControlPacket> sentByA = new CopyOnWriteArrayList<>();
    private final List<BfdStateChange> changesOfA = new CopyOnWriteArrayList<>();
    private final AtomicBoolean aToB = new AtomicBoolean(true);
    private final AtomicBoolean bToA = new AtomicBoolean(true);
    private BfdSession a;
    private BfdSession b;

    @AfterEach
    void tearDown() {
        loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void startBoth() {
        a = new BfdSession("b", TIMERS, 1, loop, packet -> {
            sentByA.add(packet);
            if (aToB.get()) {
                b.receive(packet);
            }
        }, (session, change) -> changesOfA.add(change), RandomGenerator.getDefault());
        b = new BfdSession("a", TIMERS, 2, loop, packet -> {
            if (bToA.get()) {
                a.receive(packet);
            }
        }, (session, change) -> { }, RandomGenerator.getDefault());
        a.start();
        b.start();
        // Slow transmission (1 s) until Up: both are Up within about a second.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> a.status().state() == BfdState.UP
                && b.status().state() == BfdState.UP);
    }

    @Test
    void comesUpThroughDownInitUpAndSettlesTheTimersWithAPollSequence() {
        startBoth();
        // Down -> Init -> Up, or Down -> Up when the other side's Init came first.
        List<BfdState> states = changesOfA.stream().map(BfdStateChange::to).toList();
        assertTrue(states.equals(List.of(BfdState.INIT, BfdState.UP)) || states.equals(List.of(BfdState.UP)), states.toString());
        Awaitility.await("poll answered").atMost(Duration.ofSeconds(5)).until(() -> sentByA.stream().anyMatch(BfdControlPacket::poll)
                && !sentByA.get(sentByA.size() - 1).poll());
        BfdControlPacket firstDown = sentByA.get(0);
        assertEquals(1_000_000, firstDown.desiredMinTxMicros(), "slow while not Up");
        assertEquals(50_000, sentByA.get(sentByA.size() - 1).desiredMinTxMicros());
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> a.status().detectionTime().equals(Duration.ofMillis(150)));
        assertEquals(2, a.status().remoteDiscriminator());
    }

    @Test
    void silenceIsAPathFailureAfterTheDetectionTime() {
        startBoth();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> a.status().detectionTime().equals(Duration.ofMillis(150)));
        long silenced = System.nanoTime();
        bToA.set(false);
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                .until(() -> a.status().state() == BfdState.DOWN);
        long millis = (System.nanoTime() - silenced) / 1_000_000;
        assertTrue(millis >= 100, "not before the detection time (150 ms, less one jittered interval): " + millis);
        BfdStateChange down = changesOfA.get(changesOfA.size() - 1);
        assertEquals(BfdDiagnostic.CONTROL_DETECTION_TIME_EXPIRED, down.diagnostic());
        assertTrue(down.isPathFailure());
        assertEquals(0, a.status().remoteDiscriminator(), "forgotten when the detection time expires");

        bToA.set(true);
        Awaitility.await("back Up").atMost(Duration.ofSeconds(5)).until(() -> a.status().state() == BfdState.UP);
    }

    @Test
    void aPeerGoingAdministrativelyDownIsNoPathFailure() {
        startBoth();
        b.stop();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> a.status().state() == BfdState.DOWN);
        BfdStateChange down = changesOfA.get(changesOfA.size() - 1);
        assertEquals(BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN, down.diagnostic());
        assertEquals(false, down.isPathFailure());
    }
}
