package io.vippy.api;

import io.quarkus.runtime.Startup;
import io.vippy.core.VippyConfig;
import io.vippy.core.model.InvalidConfigException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.jboss.logging.Logger;

/**
 * The API's bearer token: configured, or generated once into the data directory (mode 0600) and reused.
 * Compared in constant time; never logged. Made at start-up, before the API listens, so that a short token
 * stops start-up and the generated file is there as soon as Vippy answers.
 */
@ApplicationScoped
@Startup
public class ApiToken {
    private static final Logger LOG = Logger.getLogger(ApiToken.class);
    static final String FILE_NAME = "api-token";
    private static final int MIN_LENGTH = 16;

    private final ApiConfig config;
    private final Path dataDir;
    private byte[] expected;

    ApiToken(ApiConfig config, VippyConfig vippy) {
        this.config = config;
        this.dataDir = vippy.dataDir();
    }

    @PostConstruct
    void init() {
        if (!config.auth()) {
            LOG.warn("vippy.api.auth=false: the API accepts every caller; use this for local development only");
            return;
        }
        String token = config.token().orElseGet(this::generatedToken);
        if (token.length() < MIN_LENGTH) {
            throw new InvalidConfigException("vippy.api.token", "must be at least " + MIN_LENGTH + " characters");
        }
        expected = token.getBytes(StandardCharsets.UTF_8);
    }

    public boolean required() {
        return expected != null;
    }

    /** Checks an {@code Authorization} header value ({@code Bearer <token>}). */
    public boolean accepts(String authorization) {
        if (expected == null) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] presented = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, presented);
    }

    private String generatedToken() {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, token + "\n");
                    LOG.infof("generated an API token into %s (mode 0600); send it as 'Authorization: Bearer <token>'", file);
                } catch (FileAlreadyExistsException raced) {
                    // Another process created it first: use theirs.
                }
            } else {
                LOG.infof("API token: %s", file);
            }
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the API token file " + file + ": " + e.getMessage(), e);
        }
    }
}
