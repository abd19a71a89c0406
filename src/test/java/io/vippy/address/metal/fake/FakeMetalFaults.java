package io.vippy.address.metal.fake;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Switchable faults of the fake API. Queued faults hit the next requests one each; a random mode mixes them
 * in with a probability (seeded, so a failing soak can be replayed); a rate limit answers 429 until its reset.
 */
public final class FakeMetalFaults {

    /** What happens to one request. */
    public enum Kind {
        /** 503 before anything is committed, as a gateway would answer. */
        SERVER_ERROR,
        /** 429 with {@code X-RateLimit-Reset} one second ahead. */
        RATE_LIMIT,
        /** The socket is closed before the request is applied. */
        DROP_BEFORE_COMMIT,
        /** The request is applied, then the socket is closed without an answer. */
        DROP_AFTER_COMMIT,
        /** The request is applied and answered after {@link #delay}. */
        SLOW
    }

    private final Deque<Queued> queued = new ArrayDeque<>();
    private final Map<Kind, Integer> injected = new EnumMap<>(Kind.class);
    private Random random;
    private double probability;
    private long rateLimitedUntilEpochSecond;
    private Duration delay = Duration.ofSeconds(2);

    /** The next {@code times} API requests suffer {@code kind}. */
    public void next(Kind kind, int times) {
        next(null, kind, times);
    }

    /** The next {@code times} API requests with this HTTP method ({@code null}: any) suffer {@code kind}. */
    public synchronized void next(String method, Kind kind, int times) {
        for (int i = 0; i < times; i++) {
            queued.add(new Queued(method, kind));
        }
    }

    /** Every API request answers 429 with {@code X-RateLimit-Reset: epochSecond} until that second. */
    public synchronized void rateLimitUntil(long epochSecond) {
        rateLimitedUntilEpochSecond = epochSecond;
    }

    /** Each API request suffers a random fault with this probability. */
    public synchronized void randomly(double faultProbability, long seed) {
        probability = faultProbability;
        random = new Random(seed);
    }

    public synchronized void delay(Duration slowAnswer) {
        delay = slowAnswer;
    }

    public synchronized void off() {
        queued.clear();
        probability = 0;
        rateLimitedUntilEpochSecond = 0;
    }

    public synchronized Duration delay() {
        return delay;
    }

    public synchronized long rateLimitReset() {
        return rateLimitedUntilEpochSecond;
    }

    public synchronized int injected(Kind kind) {
        return injected.getOrDefault(kind, 0);
    }

    /** The fault for the request arriving now, if any. */
    synchronized Optional<Kind> draw(String method) {
        Kind kind = null;
        Optional<Queued> due = queued.stream().filter(q -> q.method == null || q.method.equals(method)).findFirst();
        if (System.currentTimeMillis() / 1000 < rateLimitedUntilEpochSecond) {
            kind = Kind.RATE_LIMIT;
        } else if (due.isPresent()) {
            queued.remove(due.get());
            kind = due.get().kind;
        } else if (probability > 0 && random.nextDouble() < probability) {
            kind = Kind.values()[random.nextInt(Kind.values().length)];
        }
        if (kind != null) {
            injected.merge(kind, 1, Integer::sum);
        }
        return Optional.ofNullable(kind);
    }

    private record Queued(String method, Kind kind) {
    }
}
