package io.vippy.store.sqlite;

import io.vippy.core.IdempotencyClaim;
import io.vippy.core.IdempotencyKey;
import io.vippy.core.StateStore;
import io.vippy.core.StoreChange;
import io.vippy.core.StoreConflictException;
import io.vippy.core.StoreFullException;
import io.vippy.core.StoreListener;
import io.vippy.core.StoreSnapshot;
import io.vippy.core.StoreUnavailableException;
import io.vippy.core.StoredLoadBalancer;
import io.vippy.core.WarmUp;
import io.vippy.core.model.InvalidConfigException;
import io.vippy.core.model.LoadBalancer;
import io.vippy.store.LoadBalancerDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.sqlite.JDBC;
import org.sqlite.SQLiteErrorCode;

/**
 * Load balancers in an embedded SQLite database, one document per load balancer with the revision of its last
 * write, and the store's revision counter; and the idempotency keys, with their expiry. Write-ahead log with
 * {@code synchronous=FULL}: a write has reached the disk when {@link #put} returns, so neither {@code kill -9} nor a
 * power cut loses what the API acknowledged. One connection, used under this object's lock; the watcher hears of
 * each write under that lock too, so it sees them in revision order, before the writer returns.
 *
 * <p>A write that fails (a full disk above all) is refused with the reason, and the store says it cannot take
 * writes ({@link #unavailable}) until a write succeeds again: while none comes, a one-page write is tried every
 * {@link #PROBE_INTERVAL}, so the store is back by itself once space is freed.
 */
public final class SqliteStateStore implements StateStore, AutoCloseable {
    public static final String FILE_NAME = "vippy.db";
    /** 1: documents only (Vippy 0.1); 2: a revision per document and for the store. */
    private static final int SCHEMA_VERSION = 2;
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    private static final Logger LOG = Logger.getLogger(SqliteStateStore.class);

    private final Path dataDir;
    private final Connection connection;
    private final LoadBalancerDocument documents;
    private long revision;
    private StoreListener listener;
    /** Why the last write failed, until one succeeds again; null while writes succeed. */
    private volatile String writeFailure;
    /** Runs {@link #probeWrite} while writes fail; null while they succeed. */
    private ScheduledExecutorService probe;
    private boolean closed;

    private SqliteStateStore(Path dataDir, Connection connection, LoadBalancerDocument documents, long revision) {
        this.dataDir = dataDir;
        this.connection = connection;
        this.documents = documents;
        this.revision = revision;
    }

    /** Opens (creating or upgrading if needed) {@code dataDir/vippy.db}. */
    public static SqliteStateStore open(Path dataDir, LoadBalancerDocument documents) {
        Connection connection;
        try {
            Files.createDirectories(dataDir);
            // The driver directly, not DriverManager: its service lookup misses the driver under Quarkus's class loaders.
            connection = JDBC.createConnection("jdbc:sqlite:" + dataDir.resolve(FILE_NAME), new Properties());
        } catch (Exception e) {
            throw new InvalidConfigException("vippy.data-dir", "cannot open the state database in " + dataDir + ": "
                    + e.getMessage());
        }
        try {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA synchronous=FULL");
                statement.execute("PRAGMA busy_timeout=5000");
            }
            long revision = migrate(connection, dataDir);
            return new SqliteStateStore(dataDir, connection, documents, revision);
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new InvalidConfigException("vippy.data-dir", "cannot open the state database in " + dataDir + ": "
                    + e.getMessage());
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /** Creates the schema, or upgrades a version-1 database in place; returns the store's revision. */
    private static long migrate(Connection connection, Path dataDir) throws SQLException {
        int version = queryLong(connection, "PRAGMA user_version").intValue();
        if (version > SCHEMA_VERSION) {
            throw new InvalidConfigException("vippy.data-dir", dataDir.resolve(FILE_NAME) + " has schema version "
                    + version + ", newer than this Vippy reads (" + SCHEMA_VERSION + "); run a Vippy at least as new");
        }
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS load_balancer (uuid TEXT PRIMARY KEY, document TEXT NOT NULL)");
            // Added in place: a Vippy that predates it ignores the table, so the schema version stays.
            statement.execute("CREATE TABLE IF NOT EXISTS idempotency_key (key_digest TEXT PRIMARY KEY, "
                    + "fingerprint TEXT NOT NULL, uuid TEXT NOT NULL, expires_at INTEGER NOT NULL, "
                    + "made INTEGER NOT NULL DEFAULT 0)");
            if (!hasColumn(connection, "idempotency_key", "made")) {
                statement.execute("ALTER TABLE idempotency_key ADD COLUMN made INTEGER NOT NULL DEFAULT 0");
            }
            statement.execute("CREATE INDEX IF NOT EXISTS idempotency_key_expiry ON idempotency_key(expires_at)");
            if (version < 2) {
                if (!hasColumn(connection, "load_balancer", "revision")) {
                    statement.execute("ALTER TABLE load_balancer ADD COLUMN revision INTEGER NOT NULL DEFAULT 0");
                }
                statement.execute("CREATE TABLE IF NOT EXISTS store_revision (revision INTEGER NOT NULL)");
                // Number the rows a 0.1 database holds, so that each has a revision to compare.
                statement.execute("UPDATE load_balancer SET revision = rowid WHERE revision = 0");
                statement.execute("DELETE FROM store_revision");
                statement.execute("INSERT INTO store_revision SELECT coalesce(max(revision), 0) FROM load_balancer");
                statement.execute("PRAGMA user_version=" + SCHEMA_VERSION);
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
        return queryLong(connection, "SELECT revision FROM store_revision");
    }

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public synchronized StoreSnapshot load() {
        List<StoredLoadBalancer> all = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT uuid, document, revision FROM load_balancer ORDER BY revision")) {
            while (rows.next()) {
                all.add(new StoredLoadBalancer(documents.decode(rows.getString(1), rows.getString(2)), rows.getLong(3)));
            }
            return new StoreSnapshot(all, revision);
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot read the state database: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized long put(LoadBalancer loadBalancer, long expectedRevision, boolean fenced) {
        UUID uuid = loadBalancer.uuid();
        long written = write(uuid, expectedRevision, next -> upsert(loadBalancer, next));
        notifyListener(new StoreChange(uuid, loadBalancer.durableState(), written));
        return written;
    }

    @Override
    public synchronized long delete(UUID uuid, long expectedRevision, boolean fenced) {
        long written = write(uuid, expectedRevision, statement -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM load_balancer WHERE uuid = ?")) {
                delete.setString(1, uuid.toString());
                delete.executeUpdate();
            }
        });
        notifyListener(new StoreChange(uuid, null, written));
        return written;
    }

    private void upsert(LoadBalancer loadBalancer, long newRevision) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO load_balancer(uuid, document, revision)"
                + " VALUES(?, ?, ?) ON CONFLICT(uuid) DO UPDATE SET document = excluded.document, revision = excluded.revision")) {
            upsert.setString(1, loadBalancer.uuid().toString());
            upsert.setString(2, documents.encode(loadBalancer));
            upsert.setLong(3, newRevision);
            upsert.executeUpdate();
        }
    }

    private void bumpRevision(long newRevision) throws SQLException {
        try (PreparedStatement bump = connection.prepareStatement("UPDATE store_revision SET revision = ?")) {
            bump.setLong(1, newRevision);
            bump.executeUpdate();
        }
    }

    /** One write of a document, compared and numbered, in one transaction. */
    private interface RowWrite {
        void run(long newRevision) throws SQLException;
    }

    private long write(UUID uuid, long expectedRevision, RowWrite rowWrite) {
        long written = transaction("write load balancer " + uuid, () -> {
            long stored = storedRevision(uuid);
            if (stored != expectedRevision) {
                throw new StoreConflictException("load balancer " + uuid + " was changed meanwhile (revision "
                        + stored + ", not " + expectedRevision + ")");
            }
            long next = revision + 1;
            rowWrite.run(next);
            bumpRevision(next);
            return next;
        });
        revision = written;
        return written;
    }

    /**
     * Records the claim unless an unexpired one holds the key, and sweeps every expired claim on the way, so the
     * table holds about one day of keys.
     */
    @Override
    public synchronized IdempotencyClaim claim(IdempotencyKey key, IdempotencyClaim wanted, Instant now) {
        return transaction("record an idempotency key", () -> {
            try (PreparedStatement sweep = connection.prepareStatement(
                    "DELETE FROM idempotency_key WHERE expires_at <= ?")) {
                sweep.setLong(1, now.toEpochMilli());
                sweep.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO idempotency_key(key_digest, "
                    + "fingerprint, uuid, expires_at) VALUES(?, ?, ?, ?) ON CONFLICT(key_digest) DO NOTHING")) {
                insert.setString(1, key.digest());
                insert.setString(2, wanted.fingerprint());
                insert.setString(3, wanted.uuid().toString());
                insert.setLong(4, now.plus(TTL).toEpochMilli());
                insert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT fingerprint, uuid, made FROM idempotency_key WHERE key_digest = ?")) {
                select.setString(1, key.digest());
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return new IdempotencyClaim(row.getString(1), UUID.fromString(row.getString(2)), row.getBoolean(3));
                }
            }
        });
    }

    @Override
    public synchronized void markMade(IdempotencyKey key, Instant now) {
        transaction("mark an idempotency key's request done", () -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE idempotency_key SET made = 1 WHERE key_digest = ? AND expires_at > ?")) {
                update.setString(1, key.digest());
                update.setLong(2, now.toEpochMilli());
                return update.executeUpdate();
            }
        });
    }

    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    /** Runs the write {@code work} in one transaction, rolled back if it throws. */
    private <T> T transaction(String what, SqlWork<T> work) {
        T result;
        try {
            connection.setAutoCommit(false);
            try {
                result = work.run();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                abandonTransaction(e);
                throw e;
            }
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            throw writeFailed(what, e);
        }
        writable();
        return result;
    }

    /** Ends a failed transaction. SQLite may have ended it already (it does on a full disk): the first failure counts. */
    private void abandonTransaction(Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /** Records that writes fail, and why, until one succeeds; the refusal for the caller, 'full' when it is. */
    private StoreUnavailableException writeFailed(String what, SQLException e) {
        boolean full = (e.getErrorCode() & 0xff) == SQLiteErrorCode.SQLITE_FULL.code;
        String reason = full ? "the disk under " + dataDir + " is full"
                : "the state database in " + dataDir + " cannot be written: " + e.getMessage();
        if (writeFailure == null) {
            LOG.warnf("%s; writes are refused until one succeeds again (tried every %d ms)", reason,
                    PROBE_INTERVAL.toMillis());
        }
        writeFailure = reason;
        if (probe == null && !closed) {
            probe = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "vippy-store-probe");
                thread.setDaemon(true);
                return thread;
            });
            probe.scheduleWithFixedDelay(this::probeWrite, PROBE_INTERVAL.toMillis(), PROBE_INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        String message = "cannot " + what + ": " + reason;
        return full ? new StoreFullException(message, e) : new StoreUnavailableException(message, e);
    }

    /**
     * Writes the schema version as it is: one page through the write-ahead log to the disk, as any write (a no-op
     * UPDATE would not do: SQLite skips rows that do not change).
     */
    private synchronized void probeWrite() {
        if (writeFailure == null || closed) {
            return;
        }
        try {
            writeSchemaVersion();
        } catch (SQLException e) {
            return; // still failing; the reason stays that of the last refused write
        }
        writable();
    }

    private void writeSchemaVersion() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA user_version=" + SCHEMA_VERSION);
        }
    }

    /**
     * The first write's statements, run on {@link WarmUp#SAMPLE} and rolled back; then the schema version written as
     * it is (see {@link #probeWrite}). Nothing stored changes, and a data directory that cannot be written shows at
     * start-up, as after a refused write, rather than at the first create.
     */
    @Override
    public synchronized void warmUp() {
        try {
            connection.setAutoCommit(false);
            try {
                storedRevision(WarmUp.SAMPLE.uuid());
                upsert(WarmUp.SAMPLE, revision + 1);
                bumpRevision(revision + 1);
            } catch (SQLException | RuntimeException e) {
                abandonTransaction(e);
                throw e;
            }
            connection.rollback();
            connection.setAutoCommit(true);
            writeSchemaVersion();
        } catch (SQLException e) {
            throw writeFailed("write at start-up", e);
        }
    }

    /** A write succeeded: writes are taken again. */
    private void writable() {
        String was = writeFailure;
        if (was != null) {
            writeFailure = null;
            LOG.infof("the state database takes writes again (they failed: %s)", was);
        }
        if (probe != null) {
            probe.shutdown();
            probe = null;
        }
    }

    private long storedRevision(UUID uuid) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT revision FROM load_balancer WHERE uuid = ?")) {
            select.setString(1, uuid.toString());
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getLong(1) : 0;
            }
        }
    }

    @Override
    public synchronized void watch(long fromRevision, StoreListener newListener) {
        if (fromRevision < revision) {
            newListener.reset(load());
        }
        this.listener = newListener;
    }

    private void notifyListener(StoreChange change) {
        if (listener != null) {
            listener.changed(change);
        }
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.ofNullable(writeFailure).map(reason -> "writes fail: " + reason);
    }

    private static Long queryLong(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            return row.next() ? row.getLong(1) : 0L;
        }
    }

    private static boolean hasColumn(Connection connection, String table, String column) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rows.next()) {
                if (column.equals(rows.getString("name"))) {
                    return true;
                }
            }
            return false;
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // Already failing: the first error is the one to report.
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (probe != null) {
            probe.shutdownNow();
        }
        closeQuietly(connection);
    }
}
