package dev.pare.bindings;

/** A CUDA library, symbol, driver or device that Pare needs is not there; the message says which and where it looked. */
public class CudaUnavailableException extends RuntimeException {
    public CudaUnavailableException(String message) {
        super(message);
    }

    public CudaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
