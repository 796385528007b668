package dev.pare.bindings;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * The CUDA libraries Pare calls, each looked up once, on first use, by its versioned soname. A CPU-only machine never
 * gets here unless something asks (the generated header classes touch a library only when a function is first called),
 * so a missing library costs nothing until {@link Cuda#available()} or a downcall needs it.
 * <p>
 * Where to look, in order: {@code $PARE_CUDA_HOME} and {@code $CUDA_HOME} ({@code lib64}, {@code lib},
 * {@code targets/x86_64-linux/lib}), {@code /usr/local/cuda/lib64} resolved to its real folder, every
 * {@code /usr/local/cuda-*}{@code /targets/x86_64-linux/lib} (newest first), {@code /usr/local/nvidia/lib64}, then the
 * dynamic loader's own path (ldconfig, LD_LIBRARY_PATH).
 */
public enum CudaLibrary {
    /** The driver API; it comes with the NVIDIA driver, not the toolkit. */
    DRIVER("libcuda.so.1"),
    RUNTIME("libcudart.so.13"),
    /** Loaded before {@link #CUBLAS}, which needs it, so that a copy found by path satisfies that dependency. */
    CUBLASLT("libcublasLt.so.13"),
    CUBLAS("libcublas.so.13", "libcublasLt.so.13"),
    /** cuSOLVER keeps major version 12 in CUDA 13; it needs cuBLAS, cuSPARSE and nvJitLink. */
    CUSOLVER("libcusolver.so.12", "libcublasLt.so.13", "libcublas.so.13", "libnvJitLink.so.13", "libcusparse.so.12"),
    NVRTC("libnvrtc.so.13");

    private final String soname;
    private final String[] dependencies;
    private volatile Loaded loaded;

    CudaLibrary(String soname, String... dependencies) {
        this.soname = soname;
        this.dependencies = dependencies;
    }

    public String soname() {
        return soname;
    }

    private record Loaded(SymbolLookup lookup, String where, String failure) {
    }

    /** The symbol's address; throws {@link CudaUnavailableException} when the library or the symbol is missing. */
    public MemorySegment find(String symbol) {
        Loaded l = load();
        if (l.lookup == null) throw new CudaUnavailableException(l.failure);
        return l.lookup.find(symbol).orElseThrow(() -> new CudaUnavailableException(soname + " (" + l.where + ") has no symbol " + symbol
                + ": the library is older or newer than Pare's bindings expect"));
    }

    /** Whether the library loads and exports {@code symbol} (for functions that exist only in some versions). */
    public boolean has(String symbol) {
        Loaded l = load();
        return l.lookup != null && l.lookup.find(symbol).isPresent();
    }

    /** Loads the library if it was not yet; returns null when it loaded, else why not. */
    public String loadFailure() {
        return load().failure;
    }

    /** Where the library was found (a path, or "the loader's path"), or empty when it was not. */
    public Optional<String> location() {
        Loaded l = load();
        return l.lookup == null ? Optional.empty() : Optional.of(l.where);
    }

    private Loaded load() {
        Loaded l = loaded;
        if (l == null) {
            synchronized (this) {
                l = loaded;
                if (l == null) loaded = l = open();
            }
        }
        return l;
    }

    private Loaded open() {
        List<Path> dirs = searchDirectories();
        // Dependencies first, by path: a library found outside the loader's path finds its siblings as already loaded.
        for (String dependency : dependencies) {
            for (Path dir : dirs) {
                Path file = dir.resolve(dependency);
                if (Files.isRegularFile(file)) {
                    try {
                        SymbolLookup.libraryLookup(file, Arena.global());
                    } catch (IllegalArgumentException e) {
                        // Not fatal here: the main library's own lookup below reports what is really missing.
                    }
                    break;
                }
            }
        }
        List<String> failed = new ArrayList<>();
        for (Path dir : dirs) {
            Path file = dir.resolve(soname);
            if (!Files.isRegularFile(file)) continue;
            try {
                return new Loaded(SymbolLookup.libraryLookup(file, Arena.global()), file.toString(), null);
            } catch (IllegalArgumentException e) {
                failed.add(file + " (" + e.getMessage() + ")");
            }
        }
        try {
            return new Loaded(SymbolLookup.libraryLookup(soname, Arena.global()), "the loader's path", null);
        } catch (IllegalArgumentException e) {
            // reported below
        }
        String searched = dirs.isEmpty() ? "the loader's path" : String.join(", ", dirs.stream().map(Path::toString).toList()) + " or the loader's path";
        return new Loaded(null, null, failed.isEmpty() ? soname + " not found in " + searched
                : soname + " found but failed to load: " + String.join("; ", failed));
    }

    /** The folders to search, in order, without duplicates; only those that exist. */
    static List<Path> searchDirectories() {
        LinkedHashSet<Path> dirs = new LinkedHashSet<>();
        for (String variable : new String[]{"PARE_CUDA_HOME", "CUDA_HOME"}) {
            String home = System.getenv(variable);
            if (home == null || home.isBlank()) continue;
            for (String sub : new String[]{"lib64", "lib", "targets/x86_64-linux/lib"}) addReal(dirs, Path.of(home, sub));
        }
        addReal(dirs, Path.of("/usr/local/cuda/lib64"));
        List<Path> versioned = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(Path.of("/usr/local"), "cuda-*")) {
            s.forEach(versioned::add);
        } catch (IOException | SecurityException e) {
            // no /usr/local or unreadable: nothing to add
        }
        versioned.sort(Comparator.comparing(CudaLibrary::versionKey).reversed());
        for (Path p : versioned) addReal(dirs, p.resolve("targets/x86_64-linux/lib"));
        addReal(dirs, Path.of("/usr/local/nvidia/lib64"));
        return List.copyOf(dirs);
    }

    /** cuda-12.9 → 12009, so that 13.0 sorts after 12.10. */
    private static long versionKey(Path p) {
        String v = p.getFileName().toString().substring("cuda-".length());
        long key = 0;
        for (String part : v.split("\\.")) {
            try {
                key = key * 1000 + Long.parseLong(part);
            } catch (NumberFormatException e) {
                key = key * 1000;
            }
        }
        return key;
    }

    /** Symbolic links resolved: a directory walk does not follow /usr/local/cuda/lib64 → lib otherwise. */
    private static void addReal(LinkedHashSet<Path> dirs, Path dir) {
        try {
            if (Files.isDirectory(dir)) dirs.add(dir.toRealPath());
        } catch (IOException | SecurityException e) {
            // unreadable: skip
        }
    }
}
