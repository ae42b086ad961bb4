package io.dse4j.spi;

/**
 * The computation does not fit the GPU's free memory. Thrown before anything is allocated; the caller decides
 * whether to fall back to the CPU (backend auto) or to report it (backend gpu).
 */
public final class InsufficientDeviceMemoryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long neededBytes;
    private final long freeBytes;

    public InsufficientDeviceMemoryException(String what, long neededBytes, long freeBytes) {
        super(what + " needs " + Bytes.format(neededBytes) + " of GPU memory but only " + Bytes.format(freeBytes)
                + " is free");
        this.neededBytes = neededBytes;
        this.freeBytes = freeBytes;
    }

    public long neededBytes() {
        return neededBytes;
    }

    public long freeBytes() {
        return freeBytes;
    }
}
