package dev.pare.backend.cuda;

import dev.pare.PareException;
import dev.pare.bindings.CudaCheck;
import dev.pare.bindings.nvrtc_h;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles Pare's kernel sources (resources {@code dev/pare/native/*.cu} of the native module) with NVRTC for the GPU
 * in hand, {@code --gpu-architecture=sm_XY} from its compute capability, so the machine code uses that chip's
 * instructions. Cubins are cached in memory and on disk under {@code ~/.cache/pare/cubin} (or {@code $PARE_CACHE}),
 * keyed by a hash of the source, the options and NVRTC's version: a second run skips the compiler.
 */
final class KernelCompiler {
    private static final Map<String, byte[]> MEMORY = new ConcurrentHashMap<>();

    private KernelCompiler() {
    }

    static String source(String file) {
        String resource = "/dev/pare/native/" + file;
        try (InputStream in = KernelCompiler.class.getResourceAsStream(resource)) {
            if (in == null) throw new PareException("kernel source " + resource + " is not on the class path (is pare-native a dependency?)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PareException("cannot read kernel source " + resource + ": " + e.getMessage(), e);
        }
    }

    /** The cubin of {@code file} for compute capability major.minor. */
    static byte[] cubin(String file, int major, int minor) {
        String source = source(file);
        String arch = "sm_" + major + minor;
        String[] options = {"--gpu-architecture=" + arch, "--std=c++17"};
        String key = file + "-" + hash(source + "\n" + String.join(" ", options) + "\n" + nvrtcVersion()) + "-" + arch;
        return MEMORY.computeIfAbsent(key, k -> {
            Path cached = cacheDir().resolve(k + ".cubin");
            try {
                if (Files.isRegularFile(cached)) return Files.readAllBytes(cached);
            } catch (IOException e) {
                // unreadable cache: compile again
            }
            byte[] cubin = compile(file, source, options);
            try {
                Files.createDirectories(cached.getParent());
                Path tmp = Files.createTempFile(cached.getParent(), k, ".tmp");
                Files.write(tmp, cubin);
                Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException | UnsupportedOperationException e) {
                // A read-only home is no reason to fail: the cubin is cached in memory for this run.
            }
            return cubin;
        });
    }

    private static Path cacheDir() {
        String dir = System.getenv("PARE_CACHE");
        return dir != null && !dir.isBlank() ? Path.of(dir, "cubin") : Path.of(System.getProperty("user.home"), ".cache", "pare", "cubin");
    }

    static String nvrtcVersion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(ValueLayout.JAVA_INT), minor = arena.allocate(ValueLayout.JAVA_INT);
            CudaCheck.nvrtc("nvrtcVersion", nvrtc_h.nvrtcVersion(major, minor));
            return major.get(ValueLayout.JAVA_INT, 0) + "." + minor.get(ValueLayout.JAVA_INT, 0);
        }
    }

    private static byte[] compile(String file, String source, String[] options) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment progOut = arena.allocate(ValueLayout.ADDRESS);
            CudaCheck.nvrtc("nvrtcCreateProgram(" + file + ")", nvrtc_h.nvrtcCreateProgram(progOut, arena.allocateFrom(source), arena.allocateFrom(file),
                    0, MemorySegment.NULL, MemorySegment.NULL));
            MemorySegment prog = progOut.get(ValueLayout.ADDRESS, 0);
            try {
                MemorySegment opts = arena.allocate(ValueLayout.ADDRESS, options.length);
                for (int i = 0; i < options.length; i++) opts.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(options[i]));
                int status = nvrtc_h.nvrtcCompileProgram(prog, options.length, opts);
                if (status != 0) {
                    String name = CudaCheck.cString(nvrtc_h.nvrtcGetErrorString(status));
                    throw new KernelCompileException("NVRTC could not compile " + file + " (" + String.join(" ", options) + "): " + name + "\n" + log(prog, arena));
                }
                MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
                CudaCheck.nvrtc("nvrtcGetCUBINSize(" + file + ")", nvrtc_h.nvrtcGetCUBINSize(prog, size));
                MemorySegment cubin = arena.allocate(size.get(ValueLayout.JAVA_LONG, 0));
                CudaCheck.nvrtc("nvrtcGetCUBIN(" + file + ")", nvrtc_h.nvrtcGetCUBIN(prog, cubin));
                return cubin.toArray(ValueLayout.JAVA_BYTE);
            } finally {
                nvrtc_h.nvrtcDestroyProgram(progOut);
            }
        }
    }

    private static String log(MemorySegment prog, Arena arena) {
        MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
        if (nvrtc_h.nvrtcGetProgramLogSize(prog, size) != 0) return "(no log)";
        MemorySegment log = arena.allocate(Math.max(1, size.get(ValueLayout.JAVA_LONG, 0)));
        if (nvrtc_h.nvrtcGetProgramLog(prog, log) != 0) return "(no log)";
        return log.getString(0).strip();
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
