package dev.zkinfer.client;

import java.io.IOException;

/**
 * The service refused a request or a job failed: {@link #status()} is the HTTP status (0 when
 * the job failed on the worker), the message the service's error. Says nothing about any proof's
 * validity: proofs are judged locally, never by the server. Immutable once thrown.
 */
public class ProvingServiceException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public ProvingServiceException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, or 0 for a job that failed on the worker. */
    public int status() {
        return status;
    }
}
