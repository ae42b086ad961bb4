package io.dse4j.spi;

/**
 * The computation does not fit the GPU's free memory once a margin is kept free for what the CUDA context and the
 * libraries allocate themselves. Thrown before anything is allocated (or after the buffers planned so far were
 * freed again); the caller decides whether to fall back to the CPU (backend auto) or to report it (backend gpu).
 */
public final class InsufficientDeviceMemoryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long neededBytes;
    private final long freeBytes;
    private final long marginBytes;

    /**
     * @param what        the problem, for the message ("N = 300 in f64")
     * @param neededBytes what the computation allocates
     * @param freeBytes   what the device had free
     * @param marginBytes what must stay free besides ({@code neededBytes + marginBytes > freeBytes})
     */
    public InsufficientDeviceMemoryException(String what, long neededBytes, long freeBytes, long marginBytes) {
        super(what + " needs " + Bytes.format(neededBytes) + " of GPU memory plus a margin of "
                + Bytes.format(marginBytes) + " (for what CUDA, cuBLAS and cuSOLVER allocate themselves) but only "
                + Bytes.format(freeBytes) + " is free");
        this.neededBytes = neededBytes;
        this.freeBytes = freeBytes;
        this.marginBytes = marginBytes;
    }

    public long neededBytes() {
        return neededBytes;
    }

    public long freeBytes() {
        return freeBytes;
    }

    public long marginBytes() {
        return marginBytes;
    }
}
