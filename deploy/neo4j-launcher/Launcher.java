import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Runs Neo4j Community as a server: the embedded DBMS with its Bolt connector, for machines where
 * only Maven Central is reachable (no Neo4j tarball, no Docker). scripts/infra/neo4j.ts builds the
 * class path, writes the configuration file and starts this class detached.
 *
 * <p>Usage: {@code java -cp 'libs/*:classes' Launcher <home-dir> <neo4j.conf>}. The configuration
 * file uses the server's own setting names (server.bolt.listen_address, ...). When authentication
 * is on and NEO4J_INITIAL_PASSWORD is set, the built-in {@code neo4j} user gets that password
 * (without the usual "change on first login"), so clients can connect with it straight away.
 *
 * <p>SIGTERM (and SIGINT) run a shutdown hook that closes the databases cleanly; the launcher
 * prints "ready" once the default database answers and "stopped" once shutdown is complete.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: Launcher <home-dir> <neo4j.conf>");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path conf = Path.of(args[1]).toAbsolutePath();
        if (!Files.isRegularFile(conf)) {
            System.err.println("launcher: no configuration file at " + conf);
            System.exit(2);
        }
        long started = System.nanoTime();
        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(home)
                    .loadPropertiesFromFile(conf)
                    .setUserLogProvider(new Log4jLogProvider(System.out))
                    .build();
        } catch (Throwable e) {
            log("failed to start: " + e);
            e.printStackTrace(System.out);
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("stopping");
            try {
                dbms.shutdown();
                log("stopped");
            } finally {
                stopped.countDown();
            }
        }, "launcher-shutdown"));

        try {
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            if (!db.isAvailable(TimeUnit.MINUTES.toMillis(5))) {
                throw new IllegalStateException("database 'neo4j' not available after 5 minutes");
            }
            String password = System.getenv("NEO4J_INITIAL_PASSWORD");
            if (password != null && !password.isEmpty()) {
                setPassword(dbms, password);
            }
            String version = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "CALL dbms.components() YIELD versions, edition RETURN versions[0] + ' ' + edition AS v",
                    Map.of(), r -> r.hasNext() ? String.valueOf(r.next().get("v")) : "?");
            log(String.format("ready: Neo4j %s, bolt on %s, in %.1fs", version,
                    describeBolt(conf), (System.nanoTime() - started) / 1e9));
        } catch (Throwable e) {
            log("failed after start: " + e);
            e.printStackTrace(System.out);
            System.exit(1); // runs the shutdown hook
        }

        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sets the password of the built-in admin user. Embedded transactions run with full rights, so
     * the system database accepts the command without logging in. Running it again with the same
     * password is refused by Neo4j ("cannot be the same"), which means there is nothing to do.
     */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
            log("password of user neo4j set");
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("cannot be the same")) {
                log("password of user neo4j already set");
            } else {
                throw e;
            }
        }
    }

    private static String describeBolt(Path conf) {
        try {
            return Files.readAllLines(conf).stream()
                    .filter(l -> l.startsWith(BoltConnector.listen_address.name() + "="))
                    .map(l -> l.substring(l.indexOf('=') + 1))
                    .findFirst().orElse("(default address)");
        } catch (java.io.IOException e) {
            return "(unknown)";
        }
    }

    private static void log(String message) {
        System.out.println(java.time.Instant.now() + " [launcher] " + message);
        System.out.flush();
    }
}
