package dev.pare.backend.cuda;

import dev.pare.PareException;

/** The GPU could not give the memory an op needed, even after Pare returned what it had cached. */
public final class GpuOutOfMemoryException extends PareException {
    private final long requested;

    public GpuOutOfMemoryException(String what, long requested, long free, long total, long pareHolds, Throwable cause) {
        super("GPU out of memory: " + what + " needs " + DeviceMemory.mib(requested) + " but only " + DeviceMemory.mib(free) + " of "
                + DeviceMemory.mib(total) + " are free (Pare holds " + DeviceMemory.mib(pareHolds) + "); use a smaller calibration batch,"
                + " a GPU with more memory, or --device cpu", cause);
        this.requested = requested;
    }

    public long requested() {
        return requested;
    }
}
