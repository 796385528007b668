package dev.pare.bindings;

/**
 * A CUDA, cuBLAS, cuSOLVER or NVRTC call returned an error status. The message names the call and the status as
 * the library spells it ("cudaMalloc(17179869184 bytes): cudaErrorMemoryAllocation (out of memory)").
 */
public class CudaException extends RuntimeException {
    private final String call;
    private final int status;
    private final String statusName;
    private final boolean outOfMemory;

    public CudaException(String call, int status, String statusName, String description, boolean outOfMemory) {
        super(call + ": " + statusName + (description == null || description.isBlank() || description.equals(statusName) ? "" : " (" + description + ")"));
        this.call = call;
        this.status = status;
        this.statusName = statusName;
        this.outOfMemory = outOfMemory;
    }

    /** The call as written in the message, e.g. "cublasSgemm_v2". */
    public String call() {
        return call;
    }

    public int status() {
        return status;
    }

    public String statusName() {
        return statusName;
    }

    /** Whether the status means the device (or pinned host memory) ran out of memory. */
    public boolean outOfMemory() {
        return outOfMemory;
    }
}
