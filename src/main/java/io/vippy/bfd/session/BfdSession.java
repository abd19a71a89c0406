package io.vippy.bfd.session;

import io.netty.channel.EventLoop;
import io.vippy.bfd.codec.BfdControlPacket;
import io.vippy.bfd.codec.BfdDiagnostic;
import io.vippy.bfd.codec.BfdState;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.jboss.logging.Logger;

/**
 * One BFD session in asynchronous mode (RFC 5880 §6.8), without echo, demand or authentication. Everything runs
 * on the session's event loop: packets the receiver accepted, the transmit timer and the detection timer, so the
 * state needs no locks. The session is always active: it transmits from the start, slowly (at most once a second)
 * until Up, then at the configured interval, announcing the change with a poll sequence.
 */
public final class BfdSession {
    private static final Logger LOG = Logger.getLogger(BfdSession.class);

    /** Told of every change of state, on the session's event loop; must not block. */
    @FunctionalInterface
    public interface Listener {
        void stateChanged(BfdSession session, BfdStateChange change);
    }

    private final String peerName;
    private final BfdTimers timers;
    private final long localDiscriminator;
    private final EventLoop eventLoop;
    private final BfdPacketSink sink;
    private final Listener listener;
    private final RandomGenerator random;

    private BfdState state = BfdState.DOWN;
    private BfdState remoteState = BfdState.DOWN;
    private BfdDiagnostic diagnostic = BfdDiagnostic.NONE;
    private long remoteDiscriminator;
    private long desiredMinTxMicros;
    /** What the peer last asked for; 1 us until it is heard, as RFC 5880 §6.8.1 initialises it. */
    private long remoteMinRxMicros = 1;
    private long remoteDesiredMinTxMicros;
    private int remoteMultiplier;
    /** A poll sequence is running: packets carry P until one with F comes back (RFC 5880 §6.5). */
    private boolean polling;
    private boolean stopped;
    private ScheduledFuture<?> transmitTimer;
    private ScheduledFuture<?> detectionTimer;
    private volatile BfdSessionStatus status;

    public BfdSession(String peerName, BfdTimers timers, long localDiscriminator, EventLoop eventLoop,
            BfdPacketSink sink, Listener listener, RandomGenerator random) {
        if (localDiscriminator <= 0 || localDiscriminator > 0xffff_ffffL) {
            throw new IllegalArgumentException("local discriminator must be 1..2^32-1, not " + localDiscriminator);
        }
        this.peerName = peerName;
        this.timers = timers;
        this.localDiscriminator = localDiscriminator;
        this.eventLoop = eventLoop;
        this.sink = sink;
        this.listener = listener;
        this.random = random;
        this.desiredMinTxMicros = timers.slowIntervalMicros();
        publishStatus();
    }

    public String peerName() {
        return peerName;
    }

    public long localDiscriminator() {
        return localDiscriminator;
    }

    public BfdSessionStatus status() {
        return status;
    }

    /** Starts transmitting. */
    public void start() {
        run(() -> transmit(false));
    }

    /** A packet for this session, which passed the receiver's checks (TTL, discriminators, authentication). */
    public void receive(BfdControlPacket packet) {
        run(() -> onPacket(packet));
    }

    /** Tells the peer we are administratively down (one packet) and stops; the session is not used again. */
    public void stop() {
        run(() -> {
            if (stopped) {
                return;
            }
            setState(BfdState.ADMIN_DOWN, BfdDiagnostic.ADMINISTRATIVELY_DOWN);
            polling = false;
            cancelTimers();
            sink.send(packet(false));
            stopped = true;
        });
    }

    private void run(Runnable task) {
        Runnable publishing = () -> {
            try {
                task.run();
            } finally {
                publishStatus();
            }
        };
        if (eventLoop.inEventLoop()) {
            publishing.run();
        } else {
            try {
                eventLoop.execute(publishing);
            } catch (RejectedExecutionException e) {
                // The event loop is shutting down with the whole BFD service: nothing left to do.
            }
        }
    }

    /** The reception rules of RFC 5880 §6.8.6, from the point where a session has been selected. */
    private void onPacket(BfdControlPacket packet) {
        if (stopped || state == BfdState.ADMIN_DOWN) {
            return;
        }
        remoteDiscriminator = packet.myDiscriminator();
        remoteState = packet.state();
        remoteMultiplier = packet.detectMultiplier();
        remoteDesiredMinTxMicros = packet.desiredMinTxMicros();
        boolean remoteMinRxChanged = remoteMinRxMicros != packet.requiredMinRxMicros();
        remoteMinRxMicros = packet.requiredMinRxMicros();
        if (packet.fin()) {
            polling = false;
        }
        BfdState before = state;
        if (packet.state() == BfdState.ADMIN_DOWN) {
            if (state != BfdState.DOWN) {
                setState(BfdState.DOWN, BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
            }
        } else if (state == BfdState.DOWN) {
            if (packet.state() == BfdState.DOWN) {
                setState(BfdState.INIT, diagnostic);
            } else if (packet.state() == BfdState.INIT) {
                setState(BfdState.UP, BfdDiagnostic.NONE);
            }
        } else if (state == BfdState.INIT) {
            if (packet.state() == BfdState.UP || packet.state() == BfdState.INIT) {
                setState(BfdState.UP, BfdDiagnostic.NONE);
            }
        } else if (packet.state() == BfdState.DOWN) {
            setState(BfdState.DOWN, BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
        }
        if (state == BfdState.INIT || state == BfdState.UP) {
            restartDetectionTimer();
        }
        // A poll is answered at once (§6.8.7); a change of state is told at once rather than a timer later.
        if (packet.poll() || state != before) {
            transmit(packet.poll());
        } else if (remoteMinRxChanged) {
            scheduleTransmit();
        }
    }

    private void setState(BfdState next, BfdDiagnostic why) {
        diagnostic = why;
        if (next == state) {
            return;
        }
        BfdState previous = state;
        state = next;
        if (next == BfdState.UP) {
            // From slow to the configured rate: a timer change, announced with a poll sequence (§6.8.3).
            if (desiredMinTxMicros != timers.intervalMicros()) {
                desiredMinTxMicros = timers.intervalMicros();
                polling = true;
            }
        } else {
            desiredMinTxMicros = timers.slowIntervalMicros();
            polling = false;
        }
        if (next != BfdState.INIT && next != BfdState.UP) {
            cancel(detectionTimer);
            detectionTimer = null;
        }
        LOG.infof("BFD peer %s: %s -> %s (%s)", peerName, previous, next, why);
        listener.stateChanged(this, new BfdStateChange(previous, next, why, remoteState));
    }

    /** Sends a packet now (a final one answers a poll) and restarts the periodic transmission from here. */
    private void transmit(boolean fin) {
        // No periodic packets to a peer that asked for none (§6.8.7), but a poll is always answered.
        if (remoteMinRxMicros != 0 || fin) {
            sink.send(packet(fin));
        }
        scheduleTransmit();
    }

    /** Every max(desired min TX, remote min RX), less 0-25% jitter (10-25% with multiplier 1), §6.8.7. */
    private void scheduleTransmit() {
        cancel(transmitTimer);
        transmitTimer = null;
        if (stopped || remoteMinRxMicros == 0) {
            return;
        }
        long interval = Math.max(desiredMinTxMicros, remoteMinRxMicros);
        double fraction = timers.multiplier() == 1 ? 0.75 + 0.15 * random.nextDouble() : 0.75 + 0.25 * random.nextDouble();
        transmitTimer = eventLoop.schedule(() -> run(() -> transmit(false)), (long) (interval * fraction),
                TimeUnit.MICROSECONDS);
    }

    /** The peer's multiplier times the agreed interval: max(our required min RX, its desired min TX), §6.8.4. */
    private long detectionMicros() {
        return remoteMultiplier * Math.max(timers.intervalMicros(), remoteDesiredMinTxMicros);
    }

    private void restartDetectionTimer() {
        cancel(detectionTimer);
        detectionTimer = eventLoop.schedule(() -> run(this::onDetectionTimeExpired), detectionMicros(), TimeUnit.MICROSECONDS);
    }

    private void onDetectionTimeExpired() {
        detectionTimer = null;
        if (stopped) {
            return;
        }
        remoteDiscriminator = 0;
        if (state == BfdState.INIT || state == BfdState.UP) {
            setState(BfdState.DOWN, BfdDiagnostic.CONTROL_DETECTION_TIME_EXPIRED);
            transmit(false);
        }
    }

    private BfdControlPacket packet(boolean fin) {
        return BfdControlPacket.of(state, diagnostic, polling && !fin, fin, timers.multiplier(), localDiscriminator,
                remoteDiscriminator, desiredMinTxMicros, timers.intervalMicros());
    }

    private void cancelTimers() {
        cancel(transmitTimer);
        cancel(detectionTimer);
        transmitTimer = null;
        detectionTimer = null;
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void publishStatus() {
        status = new BfdSessionStatus(state, diagnostic, remoteState, localDiscriminator, remoteDiscriminator,
                remoteMultiplier == 0 ? Duration.ZERO : Duration.ofNanos(detectionMicros() * 1000));
    }
}
