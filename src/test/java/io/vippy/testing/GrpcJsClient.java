package io.vippy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The grpc-js client of src/test/grpc-js, installed from its lock file into target/grpc-js with {@code npm ci}
 * (npm registry), run by node: what a Node.js user of Vippy's gRPC API sees.
 */
public final class GrpcJsClient {
    private static final Path SOURCE = Path.of("src/test/grpc-js");
    private static final Path INSTALLED = Path.of("target/grpc-js");
    private static final Path PROTO = Path.of("proto/vippy/v1/loadbalancer.proto");
    private static final List<String> FILES = List.of("package.json", "package-lock.json", "status-client.js");

    /** The status grpc-js reported for one call. */
    public record CallStatus(int code, String details) {
    }

    private GrpcJsClient() {
    }

    /**
     * Runs status-client.js against {@code address}; with a CA file, over TLS. Returns each call's status by name
     * (badScheduler, firstBackend, duplicateBackend, unknownMethod).
     */
    public static Map<String, CallStatus> run(String address, String token, Path caFile) {
        install();
        List<String> command = new ArrayList<>(List.of("node", INSTALLED.resolve("status-client.js").toString(), address,
                token, PROTO.toAbsolutePath().toString()));
        if (caFile != null) {
            command.add(caFile.toString());
        }
        String output = Shell.run(Duration.ofSeconds(60), command.toArray(String[]::new)).orThrow();
        Map<String, CallStatus> statuses = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : output.split("\n")) {
            if (line.startsWith("{")) {
                try {
                    JsonNode call = json.readTree(line);
                    statuses.put(call.get("call").asText(), new CallStatus(call.get("code").asInt(), call.get("details").asText()));
                } catch (IOException e) {
                    throw new AssertionError("unreadable line from the grpc-js client: " + line, e);
                }
            }
        }
        return statuses;
    }

    private static synchronized void install() {
        RootOnly.requireTool("node");
        RootOnly.requireTool("npm");
        try {
            Files.createDirectories(INSTALLED);
            boolean lockChanged = !Files.exists(INSTALLED.resolve("node_modules"))
                    || !Files.exists(INSTALLED.resolve("package-lock.json"))
                    || Files.mismatch(SOURCE.resolve("package-lock.json"), INSTALLED.resolve("package-lock.json")) != -1;
            for (String file : FILES) {
                Files.copy(SOURCE.resolve(file), INSTALLED.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
            if (lockChanged) {
                Shell.run(Duration.ofMinutes(5), "npm", "ci", "--prefix", INSTALLED.toString(), "--no-audit", "--no-fund")
                        .orThrow();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
