package io.dse4j;

import java.util.List;

/**
 * The requested backend cannot be used. Carries every reason found, so that one message explains what to change.
 */
public final class BackendUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String backend;
    @SuppressWarnings("serial") // List.copyOf gives a serializable list
    private final List<String> reasons;

    public BackendUnavailableException(String backend, List<String> reasons) {
        super("backend '" + backend + "' is unavailable: " + String.join("; ", reasons));
        this.backend = backend;
        this.reasons = List.copyOf(reasons);
    }

    /** The backend that was asked for. */
    public String backend() {
        return backend;
    }

    /** Why it cannot be used, one reason per entry. */
    public List<String> reasons() {
        return reasons;
    }
}
