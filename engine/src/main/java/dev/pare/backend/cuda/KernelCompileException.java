package dev.pare.backend.cuda;

import dev.pare.PareException;

/** NVRTC rejected a kernel source; the message carries NVRTC's log. */
public final class KernelCompileException extends PareException {
    public KernelCompileException(String message) {
        super(message);
    }
}
