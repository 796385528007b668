package dev.pare;

/**
 * An error the user can act on: bad input, a missing file, an unsupported model. The message is one line that names
 * the file, tensor or flag and says what was expected; the CLI prints it without a stack trace.
 */
public class PareException extends RuntimeException {
    public PareException(String message) {
        super(message);
    }

    public PareException(String message, Throwable cause) {
        super(message, cause);
    }
}
