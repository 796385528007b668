package dev.pare.tensor;

import dev.pare.PareException;

/** Element types of safetensors files, with their on-disk names and sizes. */
public enum DType {
    F64("F64", 8), F32("F32", 4), F16("F16", 2), BF16("BF16", 2),
    I64("I64", 8), I32("I32", 4), I16("I16", 2), I8("I8", 1), U8("U8", 1), U16("U16", 2), U32("U32", 4), BOOL("BOOL", 1);

    public final String safetensorsName;
    public final int bytes;

    DType(String safetensorsName, int bytes) {
        this.safetensorsName = safetensorsName;
        this.bytes = bytes;
    }

    public boolean isFloat() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /** The dtype a safetensors header names, or null when Pare does not know it. */
    public static DType fromSafetensors(String name) {
        for (DType d : values()) if (d.safetensorsName.equals(name)) return d;
        return null;
    }

    public static DType parse(String name, String where) {
        DType d = fromSafetensors(name);
        if (d == null) throw new PareException(where + ": unsupported dtype '" + name + "' (expected one of F64, F32, F16, BF16, I64, I32, I16, I8, U8, U16, U32, BOOL)");
        return d;
    }
}
