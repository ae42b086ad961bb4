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
        super(library + " " + call + ": " + statusName + " (" + status + ")" + consequence(status));
        this.library = library;
        this.call = call;
        this.status = status;
        this.statusName = statusName;
    }

    /**
     * What a status that only a running kernel can meet means for the rest of the process: 700 (illegal address) and
     * 714–719 (hardware stack error, illegal instruction, misaligned address, invalid address space, invalid PC, launch
     * failure) leave the CUDA context "in an inconsistent state and any further CUDA work will return the same error"
     * (NVIDIA's documentation of each) — empty for every other status.
     */
    static String consequence(int status) {
        return status == 700 || (status >= 714 && status <= 719)
                ? " — a fault while a kernel ran: this process's CUDA context on the device is lost, every later CUDA"
                        + " call there fails the same way, and only a new process can use this GPU again"
                : "";
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
