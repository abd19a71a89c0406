package io.vippy.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vippy.core.model.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsChecksTest {

    @Test
    void aDataDirectoryThatIsAFileIsRefusedByName(@TempDir Path dir) throws Exception {
        Path file = Files.createFile(dir.resolve("a-file"));
        InvalidConfigException refused = assertThrows(InvalidConfigException.class,
                () -> SettingsChecks.requireUsableDirectory(file));
        assertEquals("vippy.data-dir: " + file + " is not a directory", refused.getMessage());
        SettingsChecks.requireUsableDirectory(dir.resolve("made/on/demand"));
        assertEquals(true, Files.isDirectory(dir.resolve("made/on/demand")));
    }

    @Test
    void thePortMustBeATcpPortOrZero() {
        SettingsChecks.requirePort(0);
        SettingsChecks.requirePort(65535);
        assertEquals("quarkus.http.port: must be a TCP port 1..65535, not 70000",
                assertThrows(InvalidConfigException.class, () -> SettingsChecks.requirePort(70000)).getMessage());
        assertThrows(InvalidConfigException.class, () -> SettingsChecks.requirePort(-1));
    }
}
