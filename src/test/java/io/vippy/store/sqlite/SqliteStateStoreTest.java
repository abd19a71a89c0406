package io.vippy.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vippy.core.IdempotencyClaim;
import io.vippy.core.IdempotencyKey;
import io.vippy.core.IdempotencyRecords;
import io.vippy.core.StateStore;
import io.vippy.core.StoredLoadBalancer;
import io.vippy.core.model.InvalidConfigException;
import io.vippy.store.StateStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.JDBC;

class SqliteStateStoreTest extends StateStoreContract {
    @TempDir
    Path dataDir;
    private final List<SqliteStateStore> opened = new ArrayList<>();

    @Override
    protected StateStore open() {
        return reopen();
    }

    @Override
    protected StateStore reopen() {
        SqliteStateStore store = SqliteStateStore.open(dataDir, DOCUMENTS);
        opened.add(store);
        return store;
    }

    @AfterEach
    void close() {
        opened.forEach(SqliteStateStore::close);
    }

    /** A database as Vippy 0.1 wrote it (schema 1, the record itself as the document) is upgraded in place. */
    @Test
    void aVersionOneDatabaseIsUpgradedAndItsRecordsRead() throws Exception {
        String legacy = Files.readString(Path.of("src/test/resources/store/legacy-0.1-record.json"));
        try (Connection connection = JDBC.createConnection("jdbc:sqlite:" + dataDir.resolve("vippy.db"), new Properties());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE load_balancer (uuid TEXT PRIMARY KEY, document TEXT NOT NULL)");
            statement.execute("INSERT INTO load_balancer VALUES ('087fcb0f-8e07-4123-a32f-e8e83a281023', '"
                    + legacy.replace("'", "''") + "')");
            statement.execute("PRAGMA user_version=1");
        }
        List<StoredLoadBalancer> stored = reopen().load().loadBalancers();
        assertEquals(1, stored.size());
        assertEquals("test loadbalancer", stored.get(0).loadBalancer().name());
        assertEquals("203.0.113.1", stored.get(0).loadBalancer().address().getHostAddress());
        assertEquals(1, stored.get(0).revision(), "numbered on the upgrade");
    }

    @Test
    void expiredIdempotencyKeysAreSweptOnTheNextClaim() throws Exception {
        StateStore store = reopen();
        Instant now = Instant.now();
        store.claim(new IdempotencyKey("create", "yesterday"), claimOf("a"), now.minus(IdempotencyRecords.TTL).minusSeconds(1));
        store.claim(new IdempotencyKey("create", "today"), claimOf("b"), now.minusSeconds(1));
        store.claim(KEY, claimOf("c"), now);
        try (Connection connection = JDBC.createConnection("jdbc:sqlite:" + dataDir.resolve("vippy.db"), new Properties());
                Statement statement = connection.createStatement();
                ResultSet count = statement.executeQuery("SELECT count(*) FROM idempotency_key")) {
            count.next();
            assertEquals(2, count.getInt(1), "yesterday's key is gone, today's two are kept");
        }
    }

    /** The keys table as the first Vippy with idempotency keys made it: no "made" column; its claims still hold. */
    @Test
    void anIdempotencyTableWithoutTheMadeColumnGainsIt() throws Exception {
        IdempotencyClaim earlier = claimOf("a");
        SqliteStateStore.open(dataDir, DOCUMENTS).close(); // today's schema, whose keys table is then replaced
        try (Connection connection = JDBC.createConnection("jdbc:sqlite:" + dataDir.resolve("vippy.db"), new Properties());
                Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE idempotency_key");
            statement.execute("CREATE TABLE idempotency_key (key_digest TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, "
                    + "uuid TEXT NOT NULL, expires_at INTEGER NOT NULL)");
            statement.execute("INSERT INTO idempotency_key VALUES ('" + KEY.digest() + "', 'a', '" + earlier.uuid()
                    + "', " + Instant.now().plus(IdempotencyRecords.TTL).toEpochMilli() + ")");
        }
        StateStore store = reopen();
        assertEquals(earlier, store.claim(KEY, claimOf("a"), Instant.now()));
        store.markMade(KEY, Instant.now());
        assertEquals(new IdempotencyClaim("a", earlier.uuid(), true), store.claim(KEY, claimOf("a"), Instant.now()));
    }

    @Test
    void aDatabaseOfANewerSchemaIsRefusedWithOneLine() throws Exception {
        try (Connection connection = JDBC.createConnection("jdbc:sqlite:" + dataDir.resolve("vippy.db"), new Properties());
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA user_version=99");
        }
        InvalidConfigException refused = assertThrows(InvalidConfigException.class, this::reopen);
        assertEquals("vippy.data-dir", refused.property());
    }
}
