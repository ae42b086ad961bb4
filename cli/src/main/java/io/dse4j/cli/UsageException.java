package io.dse4j.cli;

/** Bad command-line usage: the message says what was wrong; the exit code is 2. */
final class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
