package io.vippy.address.metal.api;

import io.smallrye.mutiny.Uni;
import io.vippy.core.model.PermanentFailure;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * How often and how patiently a Metal call is repeated. 429: wait until {@code X-RateLimit-Reset} (unix
 * seconds; capped at {@code maxRateLimitWait}), else as for a 5xx. 5xx, dropped connections and timeouts:
 * exponential backoff with jitter, at most {@code maxAttempts} attempts in all. 401/403, other 4xx and
 * {@link PermanentFailure} end at once. Delays are timers, never a blocked thread.
 */
public record MetalRetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff,
        Duration maxRateLimitWait) {
    private static final Logger LOG = Logger.getLogger(MetalRetryPolicy.class);

    public MetalRetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    /** Runs {@code call} (subscribed afresh per attempt) until it succeeds or retrying cannot help. */
    public <T> Uni<T> run(String operation, Supplier<? extends Uni<? extends T>> call) {
        return attempt(operation, call, 1);
    }

    private <T> Uni<T> attempt(String operation, Supplier<? extends Uni<? extends T>> call, int attempt) {
        return Uni.createFrom().<T>deferred(() -> call.get()).onFailure().recoverWithUni(failure -> {
            Throwable cause = unwrap(failure);
            Optional<Duration> delay = delayBefore(cause, attempt);
            if (delay.isEmpty()) {
                return Uni.createFrom().failure(cause);
            }
            if (attempt >= maxAttempts) {
                return Uni.createFrom().failure(new MetalUnavailableException(
                        operation + " failed " + attempt + " times; last: " + describe(cause), cause));
            }
            LOG.debugf("%s: attempt %d failed (%s); retrying in %d ms", operation, attempt, describe(cause),
                    delay.get().toMillis());
            return Uni.createFrom().voidItem().onItem().delayIt().by(delay.get())
                    .chain(() -> attempt(operation, call, attempt + 1));
        });
    }

    /** How long to wait before the next attempt; empty when retrying cannot help. */
    Optional<Duration> delayBefore(Throwable failure, int attempt) {
        if (failure instanceof PermanentFailure || failure instanceof MetalAuthenticationException) {
            return Optional.empty();
        }
        if (failure instanceof MetalApiException api) {
            if (api.status() == 429) {
                return Optional.of(rateLimitWait(api.rateLimitReset(), attempt));
            }
            return api.status() >= 500 ? Optional.of(backoff(attempt)) : Optional.empty();
        }
        return Optional.of(backoff(attempt));
    }

    /** Until the reset second has begun on our clock, plus a little so we do not arrive early. */
    private Duration rateLimitWait(OptionalLong resetEpochSeconds, int attempt) {
        if (resetEpochSeconds.isEmpty()) {
            return backoff(attempt);
        }
        long waitMillis = resetEpochSeconds.getAsLong() * 1000 - System.currentTimeMillis() + 50;
        if (waitMillis <= 0) {
            return backoff(attempt);
        }
        return Duration.ofMillis(Math.min(waitMillis, maxRateLimitWait.toMillis()));
    }

    /** Exponential in the attempt, capped, with "equal jitter": half fixed, half random. */
    private Duration backoff(int attempt) {
        long ceiling = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.max(1, Math.min(ceiling, maxBackoff.toMillis()));
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while (current instanceof CompletionException && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }
}
