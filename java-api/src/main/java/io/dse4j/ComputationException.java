package io.dse4j;

/** A computation failed for a reason other than its input (an iteration that did not converge, a device error). */
public class ComputationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ComputationException(String message, Throwable cause) {
        super(message, cause);
    }

    public ComputationException(String message) {
        super(message);
    }
}
