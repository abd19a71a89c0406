package io.vippy.store.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vippy.core.StateStore;
import io.vippy.core.model.LoadBalancer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.sqlite.JDBC;

/**
 * Load balancers in an embedded SQLite database, one JSON document per load balancer. Write-ahead log with
 * {@code synchronous=FULL}: a write has reached the disk when {@link #put} returns, so neither
 * {@code kill -9} nor a power cut loses what the API acknowledged. One connection, used under this
 * object's lock: writes are small and SQLite serialises them anyway.
 */
public final class SqliteStateStore implements StateStore, AutoCloseable {
    static final String FILE_NAME = "vippy.db";
    private static final int SCHEMA_VERSION = 1;

    private final Connection connection;
    private final ObjectMapper json;

    private SqliteStateStore(Connection connection, ObjectMapper json) {
        this.connection = connection;
        this.json = json;
    }

    /** Opens (creating if needed) {@code dataDir/vippy.db}. */
    public static SqliteStateStore open(Path dataDir, ObjectMapper json) {
        try {
            Files.createDirectories(dataDir);
            // The driver directly, not DriverManager: its service lookup misses the driver under Quarkus's class loaders.
            Connection connection = JDBC.createConnection("jdbc:sqlite:" + dataDir.resolve(FILE_NAME), new Properties());
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA synchronous=FULL");
                statement.execute("PRAGMA busy_timeout=5000");
                statement.execute("CREATE TABLE IF NOT EXISTS load_balancer ("
                        + "uuid TEXT PRIMARY KEY, document TEXT NOT NULL)");
                statement.execute("PRAGMA user_version=" + SCHEMA_VERSION);
            }
            return new SqliteStateStore(connection,
                    json.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false));
        } catch (Exception e) {
            throw new IllegalStateException("cannot open the state database in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized List<LoadBalancer> loadAll() {
        List<LoadBalancer> all = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT uuid, document FROM load_balancer")) {
            while (rows.next()) {
                all.add(decode(rows.getString(1), rows.getString(2)));
            }
            return all;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the state database: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void put(LoadBalancer loadBalancer) {
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO load_balancer(uuid, document) VALUES(?, ?) "
                        + "ON CONFLICT(uuid) DO UPDATE SET document = excluded.document")) {
            statement.setString(1, loadBalancer.uuid().toString());
            statement.setString(2, json.writeValueAsString(loadBalancer));
            statement.executeUpdate();
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot write load balancer " + loadBalancer.uuid() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void delete(UUID uuid) {
        try (PreparedStatement statement = connection.prepareStatement("DELETE FROM load_balancer WHERE uuid = ?")) {
            statement.setString(1, uuid.toString());
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete load balancer " + uuid + ": " + e.getMessage(), e);
        }
    }

    private LoadBalancer decode(String uuid, String document) {
        try {
            return json.readValue(document, LoadBalancer.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored load balancer " + uuid + " is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // Closing at shutdown: the data is committed already.
        }
    }
}
