package io.vippy.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.vippy.core.model.InvalidConfigException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One etcd client and the keys of one Vippy cluster under {@code vippy.etcd.prefix}: {@code lb/<uuid>} (the load
 * balancers), {@code idempotency/<digest>} (the API's idempotency keys), {@code leader}, {@code nodes/<name>},
 * {@code meta/format}. Calls are bounded by the request timeout.
 */
public final class EtcdKeyspace implements AutoCloseable {
    private final Client client;
    private final String prefix;
    private final Duration timeout;
    private final Duration leaseTtl;
    private final EtcdFence fence;

    private EtcdKeyspace(Client client, String prefix, Duration timeout, Duration leaseTtl) {
        this.client = client;
        this.prefix = prefix;
        this.timeout = timeout;
        this.leaseTtl = leaseTtl;
        this.fence = new EtcdFence(prefix + "leader");
    }

    /** Validates the settings (one line naming the property when wrong) and builds the client; connects lazily. */
    public static EtcdKeyspace open(EtcdConfig config) {
        String endpoints = config.endpoints().map(String::trim).filter(s -> !s.isEmpty()).orElseThrow(() ->
                new InvalidConfigException("vippy.etcd.endpoints", "is required with vippy.store=etcd, such as "
                        + "http://10.0.0.1:2379,http://10.0.0.2:2379,http://10.0.0.3:2379"));
        List<URI> uris = new ArrayList<>();
        for (String part : endpoints.split(",")) {
            String text = part.trim();
            URI uri;
            try {
                uri = URI.create(text);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException("vippy.etcd.endpoints", "\"" + text + "\" is not a URL");
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getPort() < 1) {
                throw new InvalidConfigException("vippy.etcd.endpoints", "\"" + text
                        + "\" must be http://HOST:PORT or https://HOST:PORT");
            }
            uris.add(uri);
        }
        String prefix = config.prefix();
        if (!prefix.startsWith("/") || !prefix.endsWith("/") || prefix.length() < 2 || prefix.contains("//")) {
            throw new InvalidConfigException("vippy.etcd.prefix", "must start and end with \"/\", such as /vippy/ or "
                    + "/vippy/prod/, not \"" + prefix + "\"");
        }
        if (config.requestTimeout().toMillis() < 100) {
            throw new InvalidConfigException("vippy.etcd.request-timeout", "must be at least 100ms");
        }
        if (config.leaseTtl().toSeconds() < 2) {
            throw new InvalidConfigException("vippy.etcd.lease-ttl", "must be at least 2s (etcd grants whole seconds)");
        }
        Client client = Client.builder().endpoints(uris)
                .connectTimeout(config.requestTimeout())
                .retryMaxDuration(config.requestTimeout())
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(config.requestTimeout())
                .build();
        return new EtcdKeyspace(client, prefix, config.requestTimeout(), config.leaseTtl());
    }

    public Client client() {
        return client;
    }

    public String prefix() {
        return prefix;
    }

    public Duration leaseTtl() {
        return leaseTtl;
    }

    public EtcdFence fence() {
        return fence;
    }

    public ByteSequence key(String suffix) {
        return bytes(prefix + suffix);
    }

    public static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    public static String text(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** etcd's answer to a write while its NOSPACE alarm is raised (mvcc.ErrNoSpace). */
    private static final String DATABASE_FULL = "database space exceeded";

    /**
     * Waits for an etcd call for at most the request timeout; an unanswered call is {@link EtcdUnreachableException},
     * a write refused for want of space {@link EtcdFullException}.
     */
    public <T> T await(CompletableFuture<T> call, String what) {
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new EtcdUnreachableException("etcd did not answer " + what + " within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (String.valueOf(cause.getMessage()).contains(DATABASE_FULL)) {
                throw new EtcdFullException(what, cause);
            }
            throw new EtcdUnreachableException("etcd refused " + what + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EtcdUnreachableException("interrupted while waiting for etcd (" + what + ")", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
