package dev.zkinfer.cli;

import dev.zkinfer.InvalidInputException;

/** A mistake in what the user asked for; printed as one line, exit code 2. Immutable. */
final class UserError extends InvalidInputException {
    UserError(String message) {
        super(message);
    }
}
