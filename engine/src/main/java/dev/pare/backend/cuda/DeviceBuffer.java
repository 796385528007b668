package dev.pare.backend.cuda;

import java.lang.foreign.MemorySegment;

/**
 * A block of device memory from {@link DeviceMemory}: an address, not a Java segment (the host cannot touch it). Closing
 * returns it to the pool it came from; it is not freed on the device until the pool trims itself.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final DeviceMemory pool;
    private final long address;
    private final long bytes;
    private final long capacity;
    private boolean released;

    DeviceBuffer(DeviceMemory pool, long address, long bytes, long capacity) {
        this.pool = pool;
        this.address = address;
        this.bytes = bytes;
        this.capacity = capacity;
    }

    /** The device address, as kernels and cuBLAS take it. */
    public long address() {
        return address;
    }

    /** The address {@code offset} bytes in. */
    public long at(long offset) {
        if (offset < 0 || offset > bytes) throw new IndexOutOfBoundsException("offset " + offset + " in a buffer of " + bytes + " bytes");
        return address + offset;
    }

    public MemorySegment pointer() {
        return MemorySegment.ofAddress(address);
    }

    public long bytes() {
        return bytes;
    }

    long capacity() {
        return capacity;
    }

    @Override
    public void close() {
        if (released) return;
        released = true;
        pool.release(this);
    }
}
