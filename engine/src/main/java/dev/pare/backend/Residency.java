package dev.pare.backend;

import dev.pare.tensor.FloatMatrix;

/**
 * A capability of backends whose ops run in memory of their own (a GPU's): matrices kept for the length of a
 * {@link Lease} stay in the backend's memory between ops instead of crossing the bus on every call. Outside a lease
 * every op is coherent (the host holds each result when the op returns), which is correct for any caller and slow for
 * a loop that calls hundreds of ops on the same large matrices: the Hessian accumulation and the OBS sweep.
 * <p>
 * The contract, for the matrices a lease keeps: ops read and update the backend's copy; the host copy is current only
 * after {@link Lease#toHost} (for the columns it names) and after {@link Lease#close()}; the host must not write them
 * while the lease is open. A kept matrix whose memory is freed before the lease closes is simply dropped. Backends
 * whose memory is the host's (the CPU) implement nothing: {@link #of} gives them a lease that does nothing.
 */
public interface Residency {
    /** Opens an empty lease; add matrices with {@link Lease#keep}. */
    Lease lease();

    interface Lease extends AutoCloseable {
        /** Keeps m (and any view of its memory) in the backend's memory until the lease closes. Returns this lease. */
        Lease keep(FloatMatrix m);

        /**
         * Keeps m like {@link #keep}, for values that die with the lease: the intermediates of a forward pass. Host
         * writes made before m's first use reach the device (an embedding lookup); the device's values are never
         * written back, so the host copy is stale from m's first use on unless {@link #toHost} asks for it.
         */
        Lease keepTransient(FloatMatrix m);

        /** Makes columns [c0, c1) of kept matrix m current on the host (the caller is about to read them there). */
        void toHost(FloatMatrix m, int c0, int c1);

        /** Every kept matrix is current on the host again and the backend's copies are released. */
        @Override
        void close();
    }

    /** The backend's residency, or one whose leases do nothing when the backend computes in host memory. */
    static Residency of(Backend backend) {
        return backend instanceof Residency r ? r : HostResidency.INSTANCE;
    }

    /** For backends that compute in host memory: nothing to keep, nothing to copy back. */
    enum HostResidency implements Residency, Lease {
        INSTANCE;

        @Override
        public Lease lease() {
            return this;
        }

        @Override
        public Lease keep(FloatMatrix m) {
            return this;
        }

        @Override
        public Lease keepTransient(FloatMatrix m) {
            return this;
        }

        @Override
        public void toHost(FloatMatrix m, int c0, int c1) {
        }

        @Override
        public void close() {
        }
    }
}
