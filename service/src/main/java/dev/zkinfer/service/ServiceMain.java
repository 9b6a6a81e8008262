package dev.zkinfer.service;

import dev.zkinfer.service.http.ProvingServer;
import dev.zkinfer.service.worker.ProvingWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A minimal launcher for the service without the CLI ({@code java -cp ... dev.zkinfer.service.ServiceMain
 * worker --db URL [--threads N] [--lease-ms MS] [--name NAME]} or {@code serve [--port P] [--data DIR]
 * [--db URL] [--workers N] [--token T]}); {@code zkinfer serve} and {@code zkinfer worker} are the
 * documented front ends. The service's tests start worker processes with it.
 */
public final class ServiceMain {
    private ServiceMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("worker") || args[0].equals("serve"))) {
            System.err.println("usage: ServiceMain worker|serve [--db URL] [--threads N] [--lease-ms MS] [--name NAME] [--port P] [--data DIR] [--workers N] [--token T]");
            System.exit(2);
        }
        Map<String, String> opt = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            opt.put(args[i], args[i + 1]);
        }
        ProvingWorker.Options w = ProvingWorker.Options.defaults();
        if (opt.containsKey("--lease-ms")) {
            w = w.withLease(Duration.ofMillis(Long.parseLong(opt.get("--lease-ms"))));
        }
        if (opt.containsKey("--name")) {
            w = w.withName(opt.get("--name"));
        }
        ProvingService s;
        if (args[0].equals("worker")) {
            s = ProvingService.work(opt.get("--db"), w.withThreads(Integer.parseInt(opt.getOrDefault("--threads", "1"))));
        } else {
            int workers = Integer.parseInt(opt.getOrDefault("--workers", "1"));
            ProvingServer.Options o = ProvingServer.Options.defaults().withPort(Integer.parseInt(opt.getOrDefault("--port", "8080")))
                    .withToken(opt.get("--token"));
            s = ProvingService.serve(opt.get("--db"), Path.of(opt.getOrDefault("--data", "zkinfer-data")), o,
                    workers == 0 ? null : w.withThreads(workers));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        System.out.println("ready" + (s.port() > 0 ? " on port " + s.port() : ""));
        System.out.flush();
        s.awaitTermination();
    }
}
