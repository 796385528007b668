package dev.pare.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pare.PareException;
import dev.pare.tensor.DType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The JSON header of a safetensors file: the optional {@code __metadata__} map and, for each tensor, its dtype, shape
 * and byte range in the data area. Reading validates it as strictly as the reference Rust crate ({@code safetensors},
 * {@code Metadata::validate}) so that Pare never accepts a file that Python would refuse; writing lays it out the way
 * that crate does so that Pare's files are byte-identical to {@code safetensors.torch.save_file}'s.
 */
final class SafetensorsHeader {
    static final String METADATA_KEY = "__metadata__";
    /** The reference crate's limit; a longer "header" means the file is not safetensors (or is hostile). */
    static final long MAX_BYTES = 100_000_000L;

    private static final JsonMapper JSON = JsonMapper.builder()
            // A repeated tensor name would silently shadow the first; the reference crate's map keeps only one too.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** One tensor of the header; {@code begin} and {@code end} are byte offsets into the data area. */
    record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        long byteSize() {
            return end - begin;
        }
    }

    private final Map<String, String> metadata;
    private final List<Entry> entries;

    private SafetensorsHeader(Map<String, String> metadata, List<Entry> entries) {
        this.metadata = Collections.unmodifiableMap(metadata);
        this.entries = List.copyOf(entries);
    }

    /** The metadata in header order; empty when the header has none. */
    Map<String, String> metadata() {
        return metadata;
    }

    /** The tensors in header order (for files written by the reference crate, also data order). */
    List<Entry> entries() {
        return entries;
    }

    long dataSize() {
        long end = 0;
        for (Entry e : entries) end = Math.max(end, e.end);
        return end;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Reading

    /**
     * Parses and validates the header {@code json} of {@code file} (a name for messages) whose data area has
     * {@code dataSize} bytes. Every violation is a one-line {@link PareException} naming the file and the tensor.
     */
    static SafetensorsHeader parse(String file, byte[] json, long dataSize) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new PareException(file + ": header is not well-formed JSON" + where + ": " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new PareException(file + ": header is not readable JSON: " + oneLine(e.getMessage()));
        }
        if (root == null || !root.isObject())
            throw new PareException(file + ": header is " + kind(root) + ", expected a JSON object of tensors");

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) readMetadata(file, field.getValue(), metadata);
            else entries.add(readEntry(file, field.getKey(), field.getValue(), dataSize));
        }
        checkLayout(file, entries, dataSize);
        return new SafetensorsHeader(metadata, entries);
    }

    private static void readMetadata(String file, JsonNode node, Map<String, String> into) {
        if (node.isNull()) return; // the reference crate reads it as an Option
        if (!node.isObject())
            throw new PareException(file + ": " + METADATA_KEY + " is " + kind(node) + ", expected an object of strings");
        for (Map.Entry<String, JsonNode> kv : node.properties()) {
            if (!kv.getValue().isTextual())
                throw new PareException(file + ": " + METADATA_KEY + " entry '" + kv.getKey() + "' is " + kind(kv.getValue()) + ", expected a string");
            into.put(kv.getKey(), kv.getValue().textValue());
        }
    }

    private static Entry readEntry(String file, String name, JsonNode node, long dataSize) {
        String where = file + ": tensor '" + name + "'";
        if (!node.isObject())
            throw new PareException(where + " is " + kind(node) + ", expected an object with dtype, shape and data_offsets");

        JsonNode dtypeNode = require(where, node, "dtype");
        if (!dtypeNode.isTextual()) throw new PareException(where + ": 'dtype' is " + kind(dtypeNode) + ", expected a string such as \"F16\"");
        DType dtype = DType.parse(dtypeNode.textValue(), where);

        JsonNode shapeNode = require(where, node, "shape");
        if (!shapeNode.isArray()) throw new PareException(where + ": 'shape' is " + kind(shapeNode) + ", expected an array of dimensions");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = integer(where, "shape", shapeNode.get(i));
            if (shape[i] < 0) throw new PareException(where + " has negative dimension " + shape[i] + " in shape " + shapeNode);
        }

        JsonNode offsetsNode = require(where, node, "data_offsets");
        if (!offsetsNode.isArray() || offsetsNode.size() != 2)
            throw new PareException(where + ": 'data_offsets' is " + offsetsNode + ", expected [begin, end]");
        long begin = integer(where, "data_offsets", offsetsNode.get(0));
        long end = integer(where, "data_offsets", offsetsNode.get(1));
        if (begin < 0 || begin > end)
            throw new PareException(where + ": 'data_offsets' " + offsetsNode + " must be [begin, end] with 0 <= begin <= end");
        if (end > dataSize)
            throw new PareException(where + " ends at byte " + commas(end) + " but the data area has " + commas(dataSize) + " bytes");

        long expected;
        try {
            expected = TensorSpec.byteSize(name, dtype, shape);
        } catch (IllegalArgumentException e) {
            throw new PareException(where + ": shape " + Arrays.toString(shape) + " of " + dtype + " has more bytes than 64 bits can count");
        }
        if (expected != end - begin)
            throw new PareException(where + ": shape " + Arrays.toString(shape) + " of " + dtype + " needs " + commas(expected)
                    + " bytes but data_offsets [" + begin + ", " + end + "] hold " + commas(end - begin));
        return new Entry(name, dtype, shape, begin, end);
    }

    /**
     * The reference crate sorts tensors by (begin, end) and requires each to start where the previous one ended, from
     * byte 0 to the last byte of the file: no overlaps, no gaps, no trailing bytes. It reports all of these as one
     * "invalid offset"; here each says which tensors and which bytes.
     */
    private static void checkLayout(String file, List<Entry> entries, long dataSize) {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long next = 0;
        Entry previous = null;
        for (Entry e : byOffset) {
            if (e.begin < next)
                throw new PareException(file + ": tensors '" + previous.name + "' (bytes " + range(previous) + ") and '" + e.name
                        + "' (bytes " + range(e) + ") overlap");
            if (e.begin > next)
                throw new PareException(previous == null
                        ? file + ": tensor '" + e.name + "' begins at byte " + commas(e.begin) + ", leaving the first " + commas(e.begin)
                          + " bytes of the data area unused (tensors must be packed from byte 0)"
                        : file + ": " + commas(e.begin - next) + " unused bytes between tensor '" + previous.name + "' (ends at byte "
                          + commas(next) + ") and tensor '" + e.name + "' (begins at byte " + commas(e.begin) + "); tensors must be packed without gaps");
            next = e.end;
            previous = e;
        }
        if (next != dataSize)
            throw new PareException(previous == null
                    ? file + ": the header lists no tensors but the data area has " + commas(dataSize) + " bytes"
                    : file + ": the data area has " + commas(dataSize) + " bytes but the last tensor, '" + previous.name + "', ends at byte "
                      + commas(next) + " (" + commas(dataSize - next) + " trailing bytes)");
    }

    private static JsonNode require(String where, JsonNode entry, String field) {
        JsonNode v = entry.get(field);
        if (v == null) throw new PareException(where + " has no '" + field + "' (expected dtype, shape and data_offsets)");
        return v;
    }

    private static long integer(String where, String field, JsonNode n) {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong())
            throw new PareException(where + ": '" + field + "' holds " + kind(n) + (n == null ? "" : " " + n) + ", expected a non-negative integer");
        return n.longValue();
    }

    private static String kind(JsonNode n) {
        if (n == null || n.isMissingNode()) return "empty";
        return switch (n.getNodeType()) {
            case OBJECT, POJO -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case BINARY, MISSING -> "empty";
        };
    }

    private static String range(Entry e) {
        return commas(e.begin) + ".." + commas(e.end);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /** Byte counts as people read them: 14,000,112. */
    static String commas(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Writing

    /**
     * The header the reference crate would write for these tensors: its {@code prepare} sorts them by dtype, highest
     * first in its {@code Dtype} declaration order, then by name, and packs them in that order from byte 0. Putting
     * wide dtypes first keeps every tensor aligned to its element size, given the header is padded to 8 bytes.
     */
    static SafetensorsHeader layout(Map<String, String> metadata, List<TensorSpec> specs) {
        Map<String, String> meta = new LinkedHashMap<>();
        if (metadata != null) {
            metadata.forEach((k, v) -> {
                if (k == null || v == null) throw new IllegalArgumentException("metadata has a null key or value: " + k + "=" + v);
                meta.put(requireUtf8(k), requireUtf8(v));
            });
        }
        Set<String> seen = new HashSet<>();
        for (TensorSpec s : specs) {
            requireUtf8(s.name());
            if (!seen.add(s.name())) throw new IllegalArgumentException("tensor '" + s.name() + "' is listed twice");
        }

        List<TensorSpec> ordered = new ArrayList<>(specs);
        ordered.sort(Comparator.comparingInt((TensorSpec s) -> referenceRank(s.dtype())).reversed()
                .thenComparing((a, b) -> Arrays.compareUnsigned(utf8(a.name()), utf8(b.name()))));
        List<Entry> entries = new ArrayList<>(ordered.size());
        long offset = 0;
        for (TensorSpec s : ordered) {
            long end = Math.addExact(offset, s.byteSize());
            entries.add(new Entry(s.name(), s.dtype(), s.shape(), offset, end));
            offset = end;
        }
        return new SafetensorsHeader(meta, entries);
    }

    /**
     * Position in the reference crate's {@code Dtype} enum (BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32,
     * U32, F32, F64, I64, U64), whose derived {@code Ord} is the sort key. It is not the element size: I64 sorts before
     * F64, F32 before U32 and I32, BF16 before F16.
     */
    private static int referenceRank(DType d) {
        return switch (d) {
            case BOOL -> 0;
            case U8 -> 1;
            case I8 -> 2;
            case I16 -> 5;
            case U16 -> 6;
            case F16 -> 7;
            case BF16 -> 8;
            case I32 -> 9;
            case U32 -> 10;
            case F32 -> 11;
            case F64 -> 12;
            case I64 -> 13;
        };
    }

    /**
     * The header as serde_json writes it for the reference crate: no whitespace, {@code __metadata__} first (omitted
     * when empty), tensors in data order with fields dtype, shape, data_offsets, then spaces up to a multiple of 8
     * bytes so that the data area starts 8-aligned.
     */
    byte[] encode() {
        StringBuilder json = new StringBuilder(64 + 96 * entries.size());
        json.append('{');
        if (!metadata.isEmpty()) {
            string(json, METADATA_KEY).append(":{");
            boolean first = true;
            for (Map.Entry<String, String> kv : metadata.entrySet()) {
                if (!first) json.append(',');
                first = false;
                string(json, kv.getKey()).append(':');
                string(json, kv.getValue());
            }
            json.append('}');
        }
        for (Entry e : entries) {
            if (json.length() > 1) json.append(',');
            string(json, e.name).append(":{\"dtype\":");
            string(json, e.dtype.safetensorsName).append(",\"shape\":[");
            for (int i = 0; i < e.shape.length; i++) {
                if (i > 0) json.append(',');
                json.append(e.shape[i]);
            }
            json.append("],\"data_offsets\":[").append(e.begin).append(',').append(e.end).append("]}");
        }
        json.append('}');
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (bytes.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(bytes, padded);
        Arrays.fill(out, bytes.length, padded, (byte) ' ');
        return out;
    }

    /** A JSON string escaped exactly as serde_json does: quote, backslash, and control characters; nothing else. */
    private static StringBuilder string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format(Locale.ROOT, "\\u%04x", (int) c)); // serde_json's hex is lower case
                    else out.append(c);
                }
            }
        }
        return out.append('"');
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A lone surrogate would silently become '?' in UTF-8; the reference cannot even represent it. */
    private static String requireUtf8(String s) {
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(s))
            throw new IllegalArgumentException("'" + s + "' is not valid Unicode (unpaired surrogate)");
        return s;
    }
}
