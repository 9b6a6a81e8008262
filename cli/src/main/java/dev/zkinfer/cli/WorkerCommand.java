package dev.zkinfer.cli;

import dev.zkinfer.service.ProvingService;
import dev.zkinfer.service.worker.ProvingWorker;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Run a proving node without the HTTP API: it claims jobs from the PostgreSQL job store that 'zkinfer serve' fills.",
            "Run any number, on any number of machines, on one database. Stop it with Ctrl-C (SIGTERM): its proofs in progress finish first."})
final class WorkerCommand extends CliSupport implements Callable<Integer> {
    @Option(names = "--db", required = true, paramLabel = "JDBC_URL", description = "The service's PostgreSQL, e.g. jdbc:postgresql://db:5432/zkinfer?user=zk&password=...")
    String db;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N", description = "Proofs at once (default ${DEFAULT-VALUE}; each uses every core).")
    int threads;

    @Option(names = "--lease", defaultValue = "30s", paramLabel = "DURATION", converter = ProveCommand.DurationConverter.class,
            description = "How long a claimed job stays this worker's without a renewal (renewed every third of it; default ${DEFAULT-VALUE}): "
                    + "a dead worker's job is claimed again after this.")
    Duration lease;

    @Option(names = "--name", paramLabel = "NAME", description = "This worker's name in the job store (default: host/pid/random).")
    String name;

    @Override
    public Integer call() throws Exception {
        if (threads < 1) {
            throw new UserError("--threads must be at least 1, got " + threads);
        }
        if (lease.toMillis() < 300) {
            throw new UserError("--lease must be at least 300ms");
        }
        ProvingWorker.Options o = ProvingWorker.Options.defaults().withThreads(threads).withLease(lease);
        if (name != null) {
            o = o.withName(name);
        }
        ProvingService service = ProvingService.work(db, o);
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "zkinfer-worker-stop"));
        say("zkinfer worker %s: proving with %d thread(s), lease %s", o.name(), threads, lease);
        out.flush();
        service.awaitTermination();
        return Main.EXIT_OK;
    }
}
