package io.dse4j.internal.gpu;

import io.dse4j.ComputationException;

/**
 * A CUDA library call that did not succeed: names the library, the call and the status, e.g.
 * "cuSOLVER cusolverDnXsyevd: CUSOLVER_STATUS_INVALID_VALUE (3)".
 */
final class CudaException extends ComputationException {

    private static final long serialVersionUID = 1L;

    private final String library;
    private final String call;
    private final int status;
    private final String statusName;

    CudaException(String library, String call, int status, String statusName) {
        super(library + " " + call + ": " + statusName + " (" + status + ")");
        this.library = library;
        this.call = call;
        this.status = status;
        this.statusName = statusName;
    }

    String library() {
        return library;
    }

    String call() {
        return call;
    }

    int status() {
        return status;
    }

    String statusName() {
        return statusName;
    }
}
