package dev.pare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Just enough safetensors reading for reference files (8-byte little-endian header length, JSON header, raw data), kept
 * plain so tests do not depend on the production reader they may be checking.
 */
public final class ReferenceSafetensors {
    private final JsonNode header;
    private final ByteBuffer data;

    private ReferenceSafetensors(JsonNode header, ByteBuffer data) {
        this.header = header;
        this.data = data;
    }

    public static ReferenceSafetensors read(Path file) throws IOException {
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = Math.toIntExact(all.getLong(0));
        JsonNode header = new ObjectMapper().readTree(new String(all.array(), 8, headerLength, java.nio.charset.StandardCharsets.UTF_8));
        ByteBuffer data = all.slice(8 + headerLength, all.capacity() - 8 - headerLength).order(ByteOrder.LITTLE_ENDIAN);
        return new ReferenceSafetensors(header, data);
    }

    public long[] shape(String name) {
        JsonNode s = entry(name).get("shape");
        long[] shape = new long[s.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = s.get(i).asLong();
        return shape;
    }

    public int[] i32(String name) {
        JsonNode e = entry(name);
        if (!e.get("dtype").asText().equals("I32")) throw new IllegalArgumentException(name + " is " + e.get("dtype"));
        int begin = e.get("data_offsets").get(0).asInt(), end = e.get("data_offsets").get(1).asInt();
        int[] out = new int[(end - begin) / 4];
        for (int i = 0; i < out.length; i++) out[i] = data.getInt(begin + 4 * i);
        return out;
    }

    public float[] f32(String name) {
        JsonNode e = entry(name);
        if (!e.get("dtype").asText().equals("F32")) throw new IllegalArgumentException(name + " is " + e.get("dtype"));
        int begin = e.get("data_offsets").get(0).asInt(), end = e.get("data_offsets").get(1).asInt();
        float[] out = new float[(end - begin) / 4];
        for (int i = 0; i < out.length; i++) out[i] = data.getFloat(begin + 4 * i);
        return out;
    }

    private JsonNode entry(String name) {
        JsonNode e = header.get(name);
        if (e == null) throw new IllegalArgumentException("no tensor " + name);
        return e;
    }
}
