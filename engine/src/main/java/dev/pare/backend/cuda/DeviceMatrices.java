package dev.pare.backend.cuda;

import dev.pare.backend.Residency;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each host matrix an op touches lives on the device. Matrices kept by a {@link Residency.Lease} have one device
 * copy for the length of the lease (uploaded on first use, written back when the lease closes or a caller asks for
 * columns); any other matrix is copied in for one op and, if the op writes it, copied back before the op returns.
 * Matrices are matched by memory, not identity: a view ({@code rows(a, b)}, {@code reshape}) of a kept matrix resolves
 * into its device copy. A kept matrix whose memory has been freed is forgotten without a write-back.
 */
public final class DeviceMatrices {
    private final CudaDevice device;
    private final List<Entry> kept = new ArrayList<>();

    public DeviceMatrices(CudaDevice device) {
        this.device = device;
    }

    /** One kept host matrix and its device copy. */
    private final class Entry {
        final MemorySegment host;
        final FloatMatrix matrix;
        DeviceBuffer copy;
        /** The device copy holds values the host does not have yet. */
        boolean dirty;
        /** Values that die with the lease: never written back. */
        final boolean transientValues;
        int leases;

        Entry(FloatMatrix m, boolean transientValues) {
            this.matrix = m;
            this.transientValues = transientValues;
            this.host = m.segment().asSlice(0, m.size() * Float.BYTES);
        }

        boolean alive() {
            return host.scope().isAlive();
        }

        long start() {
            return host.address();
        }

        long end() {
            return host.address() + host.byteSize();
        }

        boolean contains(MemorySegment s) {
            return s.scope().equals(host.scope()) && s.address() >= start() && s.address() + s.byteSize() <= end();
        }

        boolean overlaps(MemorySegment s) {
            return s.scope().equals(host.scope()) && s.address() < end() && s.address() + s.byteSize() > start();
        }

        /** The device copy, uploaded now if this is its first use (unless the op overwrites all of it). */
        DeviceBuffer device(boolean overwritten) {
            if (copy == null) {
                copy = device.allocate(host.byteSize(), "kept matrix " + matrix);
                if (!overwritten) device.upload(host, copy.address(), host.byteSize());
            }
            return copy;
        }

        void writeBack() {
            if (dirty && copy != null && alive() && !transientValues) device.download(copy.address(), host, host.byteSize());
            dirty = false;
        }

        void release() {
            if (copy != null) copy.close();
            copy = null;
        }
    }

    private Entry find(MemorySegment s) {
        purge();
        for (Entry e : kept) if (e.contains(s)) return e;
        return null;
    }

    /** Drops entries whose host memory was freed: nobody can read those values any more. */
    private void purge() {
        kept.removeIf(e -> {
            if (e.alive()) return false;
            e.release();
            return true;
        });
    }

    public Residency.Lease lease() {
        return new Lease();
    }

    private final class Lease implements Residency.Lease {
        private final List<Entry> mine = new ArrayList<>();
        private boolean closed;

        @Override
        public Residency.Lease keep(FloatMatrix m) {
            return keep(m, false);
        }

        @Override
        public Residency.Lease keepTransient(FloatMatrix m) {
            return keep(m, true);
        }

        private Residency.Lease keep(FloatMatrix m, boolean transientValues) {
            if (closed) throw new IllegalStateException("lease is closed");
            MemorySegment s = m.segment().asSlice(0, m.size() * Float.BYTES);
            Entry e = find(s);
            if (e == null) {
                for (Entry other : kept)
                    if (other.overlaps(s))
                        throw new IllegalArgumentException("cannot keep " + m + ": its memory overlaps a kept " + other.matrix + " without lying inside it");
                e = new Entry(m, transientValues);
                kept.add(e);
            }
            if (!mine.contains(e)) {
                e.leases++;
                mine.add(e);
            }
            return this;
        }

        @Override
        public void toHost(FloatMatrix m, int c0, int c1) {
            Entry e = find(m.segment().asSlice(0, m.size() * Float.BYTES));
            if (e == null || !e.dirty || e.copy == null || c0 >= c1) return;
            long offset = m.segment().address() - e.start();
            long pitch = (long) m.cols() * Float.BYTES;
            device.download2d(e.copy.address() + offset + (long) c0 * Float.BYTES, pitch,
                    m.segment().asSlice((long) c0 * Float.BYTES), pitch, (long) (c1 - c0) * Float.BYTES, m.rows());
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            device.bind();
            for (Entry e : mine) {
                e.writeBack();
                if (--e.leases == 0) {
                    e.release();
                    kept.remove(e);
                }
            }
            mine.clear();
        }
    }

    /** Operands of one op: resolve each matrix, then close to copy results back and free the temporaries. */
    public Operands operands() {
        return new Operands();
    }

    public final class Operands implements AutoCloseable {
        private final List<DeviceBuffer> temporaries = new ArrayList<>();
        private final List<Runnable> results = new ArrayList<>();
        private final List<MemorySegment> resolvedHost = new ArrayList<>();
        private final List<Long> resolvedDevice = new ArrayList<>();
        private boolean touchedKept;

        /** Whether any operand is kept by a lease (then a failure cannot be retried on the host: its copy is stale). */
        public boolean touchedKept() {
            return touchedKept;
        }

        /** m's device address, holding m's current values. */
        public long in(FloatMatrix m) {
            return resolve(m, false, false);
        }

        /** m's device address, for an op that overwrites all of m. */
        public long out(FloatMatrix m) {
            return resolve(m, true, true);
        }

        /** m's device address, for an op that reads and then updates m. */
        public long inOut(FloatMatrix m) {
            return resolve(m, true, false);
        }

        /** A device copy of host bytes, for this op only. */
        public long bytes(MemorySegment host, String what) {
            DeviceBuffer b = device.allocate(host.byteSize(), what);
            temporaries.add(b);
            device.upload(host, b.address(), host.byteSize());
            return b.address();
        }

        /** Device scratch for this op only (contents undefined). */
        public DeviceBuffer scratch(long bytes, String what) {
            DeviceBuffer b = device.allocate(bytes, what);
            temporaries.add(b);
            return b;
        }

        private long resolve(FloatMatrix m, boolean written, boolean overwritten) {
            MemorySegment s = m.segment().asSlice(0, m.size() * Float.BYTES);
            for (int i = 0; i < resolvedHost.size(); i++) {
                MemorySegment r = resolvedHost.get(i);
                if (r.address() == s.address() && r.byteSize() == s.byteSize() && r.scope().equals(s.scope())) {
                    long address = resolvedDevice.get(i);
                    if (written) scheduleCopyBack(s, address);
                    return address;
                }
            }
            long address;
            Entry e = find(s);
            if (e != null) {
                touchedKept = true;
                boolean whole = s.address() == e.start() && s.byteSize() == e.host.byteSize();
                address = e.device(overwritten && whole).address() + (s.address() - e.start());
                if (written) e.dirty = true;
            } else {
                // Not kept, but a kept matrix may share memory with it: make the host current first, and have the
                // kept copy re-read after this op if the op writes here.
                for (Entry other : kept) {
                    if (other.overlaps(s)) {
                        other.writeBack();
                        if (written) other.release();
                    }
                }
                DeviceBuffer b = device.allocate(s.byteSize(), m.toString());
                temporaries.add(b);
                address = b.address();
                if (!overwritten) device.upload(s, address, s.byteSize());
                if (written) scheduleCopyBack(s, address);
            }
            resolvedHost.add(s);
            resolvedDevice.add(address);
            return address;
        }

        private void scheduleCopyBack(MemorySegment s, long address) {
            Entry e = find(s);
            if (e != null) return; // kept: the lease writes it back
            for (Runnable r : results) if (r instanceof CopyBack c && c.host == s) return;
            results.add(new CopyBack(s, address));
        }

        private final class CopyBack implements Runnable {
            final MemorySegment host;
            final long address;

            CopyBack(MemorySegment host, long address) {
                this.host = host;
                this.address = address;
            }

            @Override
            public void run() {
                device.download(address, host, host.byteSize());
            }
        }

        /** Copies every result back (when the op succeeded) and frees the temporaries. */
        public void finish() {
            for (Runnable r : results) r.run();
            results.clear();
        }

        @Override
        public void close() {
            for (DeviceBuffer b : temporaries) b.close();
            temporaries.clear();
        }
    }
}
