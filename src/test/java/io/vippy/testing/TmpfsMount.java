package io.vippy.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small tmpfs mounted on a temporary directory of its own (root only), to run out of space on purpose:
 * {@link #fill} takes every free block, {@link #free} gives them back. Closing unmounts it and removes the directory.
 */
public final class TmpfsMount implements AutoCloseable {
    private static final int BLOCK = 4096;

    private final Path dir;
    private final Path filler;
    /** Unmounts even when the test JVM is stopped (a build timeout, Ctrl-C) before close(). */
    private final Thread unmountOnExit;

    private TmpfsMount(Path dir) {
        this.dir = dir;
        this.filler = dir.resolve("filler");
        this.unmountOnExit = new Thread(this::unmount, "tmpfs-unmount");
        Runtime.getRuntime().addShutdownHook(unmountOnExit);
    }

    /** Mounts a tmpfs of {@code sizeKib} KiB on a new temporary directory named {@code prefix...}. */
    public static TmpfsMount mount(String prefix, int sizeKib) {
        Path dir;
        try {
            dir = Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Shell.Result mounted = Shell.run("mount", "-t", "tmpfs", "-o", "size=" + sizeKib + "k,mode=0700", "tmpfs",
                dir.toString());
        if (!mounted.ok()) {
            dir.toFile().delete();
            throw new AssertionError("cannot mount a tmpfs on " + dir + ": " + mounted.output());
        }
        return new TmpfsMount(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Writes a file until the tmpfs has no block left (ENOSPC); at most its size, so the loop ends either way. */
    public void fill() {
        long blocks;
        try {
            blocks = Files.getFileStore(dir).getTotalSpace() / BLOCK + 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] block = new byte[BLOCK];
            for (long i = 0; i < blocks; i++) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            if (String.valueOf(full.getMessage()).contains("No space left on device")) {
                return;
            }
            throw new UncheckedIOException(full);
        }
        throw new AssertionError("wrote " + blocks + " blocks to " + filler + " without running out of space");
    }

    /** Removes what {@link #fill} wrote. */
    public void free() {
        try {
            Files.deleteIfExists(filler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unmounts (lazily if something still holds a file open there) and removes the directory. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(unmountOnExit);
        } catch (IllegalStateException shuttingDown) {
            return; // the hook unmounts
        }
        unmount();
    }

    private void unmount() {
        if (!Shell.run("umount", dir.toString()).ok()) {
            Shell.run("umount", "-l", dir.toString()).orThrow();
        }
        dir.toFile().delete();
    }
}
