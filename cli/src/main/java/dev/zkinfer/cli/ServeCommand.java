package dev.zkinfer.cli;

import dev.zkinfer.service.ProvingService;
import dev.zkinfer.service.http.ProvingServer;
import dev.zkinfer.service.worker.ProvingWorker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the proving service: an HTTP API (/openapi.json describes it) and proving workers over one PostgreSQL job store.",
            "Without --db, starts an embedded PostgreSQL in --data. Stop it with Ctrl-C (SIGTERM): proofs in progress finish first (up to a minute)."})
final class ServeCommand extends CliSupport implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "HTTP port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--host", defaultValue = "0.0.0.0", paramLabel = "ADDRESS", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--data", defaultValue = "zkinfer-data", paramLabel = "DIR", description = "Folder of the embedded PostgreSQL, used without --db (default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--db", paramLabel = "JDBC_URL", description = "A PostgreSQL server to use instead, e.g. jdbc:postgresql://db:5432/zkinfer?user=zk&password=...")
    String db;

    @Option(names = "--workers", defaultValue = "1", paramLabel = "N",
            description = "Proofs this process runs at once (default ${DEFAULT-VALUE}; each uses every core; 0: API only, 'zkinfer worker' nodes prove).")
    int workers;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Bearer token that writes (POST) need; also read from ZKINFER_TOKEN.")
    String token;

    @Option(names = "--max-body", defaultValue = "16777216", paramLabel = "BYTES", description = "Largest input body (default ${DEFAULT-VALUE}); models may be 16 times larger.")
    long maxBody;

    @Option(names = "--max-queue", defaultValue = "10000", paramLabel = "N", description = "Jobs queued or running before submissions get 429 (default ${DEFAULT-VALUE}).")
    long maxQueue;

    @Override
    public Integer call() throws Exception {
        if (workers < 0 || maxBody < 1 || maxQueue < 1) {
            throw new UserError("--workers must be 0 or more, --max-body and --max-queue positive");
        }
        String t = token != null ? token : System.getenv("ZKINFER_TOKEN");
        ProvingServer.Options opts = ProvingServer.Options.defaults().withHost(host).withPort(port).withToken(t)
                .withLimits(maxBody * 16, maxBody, maxQueue);
        ProvingService service = ProvingService.serve(db, data, opts, workers == 0 ? null : ProvingWorker.Options.defaults().withThreads(workers));
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "zkinfer-serve-stop"));
        say("zkinfer serve: listening on http://%s:%d (%s; %d proving thread(s)%s)", host, service.port(),
                db != null ? "database " + db.replaceAll("password=[^&]*", "password=***") : "embedded PostgreSQL in " + data,
                workers, t != null ? "; writes need the bearer token" : "");
        if (quiet) {
            out.println(service.port());
        }
        out.flush();
        service.awaitTermination();
        return Main.EXIT_OK;
    }
}
