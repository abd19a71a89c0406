package io.vippy.core.config;

import io.quarkus.runtime.Startup;
import io.vippy.core.VippyConfig;
import io.vippy.core.model.InvalidConfigException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Checks, first thing at start-up, the settings that no subsystem reads before it is too late: the data
 * directory (else the store fails later with a stack trace) and the API port (else Quarkus exits silently
 * when it cannot listen, after the kernel was already touched).
 */
@ApplicationScoped
@Startup(Interceptor.Priority.PLATFORM_BEFORE)
public class SettingsChecks {
    static final String HTTP_PORT = "quarkus.http.port";

    SettingsChecks(VippyConfig config) {
        requireUsableDirectory(config.dataDir());
        requirePort(ConfigProvider.getConfig().getOptionalValue(HTTP_PORT, Integer.class).orElse(10001));
    }

    static void requireUsableDirectory(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InvalidConfigException("vippy.data-dir", dir + " is not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InvalidConfigException("vippy.data-dir", "cannot create " + dir + " (" + e + ")");
        }
        if (!Files.isWritable(dir)) {
            throw new InvalidConfigException("vippy.data-dir", dir + " is not writable by this user");
        }
    }

    /** 0 is Quarkus's "any free port" (tests use it). */
    static void requirePort(int port) {
        if (port < 0 || port > 65535) {
            throw new InvalidConfigException(HTTP_PORT, "must be a TCP port 1..65535, not " + port);
        }
    }
}
