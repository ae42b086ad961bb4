package io.dse4j.io;

import java.io.IOException;

/** A matrix file that cannot be used: unreadable, truncated, corrupt or of an unsupported kind. */
public final class MatrixFileException extends IOException {

    private static final long serialVersionUID = 1L;

    public MatrixFileException(String message) {
        super(message);
    }

    public MatrixFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
