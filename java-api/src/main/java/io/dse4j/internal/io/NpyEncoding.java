package io.dse4j.internal.io;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The bytes of a {@code .npy} file as NumPy writes it: format 1.0, the header padded to a multiple of 64 bytes.
 * Not API: {@link io.dse4j.io.NpyWriter}'s encoding, shared with the command line's eigenvalue cache, whose
 * {@code .npz} holds two arrays.
 */
public final class NpyEncoding {

    private NpyEncoding() {
    }

    /**
     * A whole {@code .npy} file's bytes: the header for {@code descr} and {@code shape}, then {@code data}.
     *
     * @param descr the dtype with its byte order, e.g. {@code <f8} or {@code |u1}
     * @param shape the dimensions ({@code n} for a vector)
     * @param data  the elements' bytes in C order
     */
    public static byte[] npy(String descr, long[] shape, byte[] data) {
        String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims
                + (shape.length == 1 ? "," : "") + "), }";
        // The header (magic, version, length, dict, padding, newline) is padded to a multiple of 64 bytes.
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        byte[] headerBytes = header.getBytes(StandardCharsets.ISO_8859_1);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(headerBytes.length & 0xff);
        out.write(headerBytes.length >>> 8);
        out.writeBytes(headerBytes);
        out.writeBytes(data);
        return out.toByteArray();
    }
}
