package dev.pare.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.io.InputStream;
import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One copy of a kernel class per vector species. C2 emits SIMD only for a constant species, so a kernel class keeps
 * its species in a static final; another width gets a hidden copy of the class whose class data is that species.
 */
final class SpeciesCopies<K> {
    private final Class<?> kernelClass;
    private final Class<K> kernelInterface;
    private final Map<VectorSpecies<Float>, K> copies = new ConcurrentHashMap<>();

    SpeciesCopies(Class<?> kernelClass, Class<K> kernelInterface) {
        this.kernelClass = kernelClass;
        this.kernelInterface = kernelInterface;
    }

    /** The species of the class behind {@code lookup}: its class data in a hidden copy, else the preferred species. */
    @SuppressWarnings("unchecked")
    static VectorSpecies<Float> speciesOf(MethodHandles.Lookup lookup) {
        if (!lookup.lookupClass().isHidden()) return FloatVector.SPECIES_PREFERRED;
        try {
            return MethodHandles.classData(lookup, ConstantDescs.DEFAULT_NAME, VectorSpecies.class);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The kernels for {@code species}, defining the hidden copy on first use ({@code lookup} is the kernel class's own). */
    K forSpecies(VectorSpecies<Float> species, MethodHandles.Lookup lookup) {
        if (species.elementType() != float.class) throw new IllegalArgumentException("not a float species: " + species);
        return copies.computeIfAbsent(species, s -> define(s, lookup));
    }

    private K define(VectorSpecies<Float> species, MethodHandles.Lookup lookup) {
        String resource = kernelClass.getSimpleName() + ".class";
        try (InputStream in = kernelClass.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException(resource + " is not readable as a resource");
            MethodHandles.Lookup copy = lookup.defineHiddenClassWithClassData(in.readAllBytes(), species, true);
            return kernelInterface.cast(copy.findConstructor(copy.lookupClass(), MethodType.methodType(void.class)).invoke());
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define " + kernelClass.getSimpleName() + " for " + species, e);
        }
    }
}
