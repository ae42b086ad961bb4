package io.dse4j.spark;

/**
 * One row of a group on its way from the table to the group's task, as a Java bean so that Spark's encoder hands
 * its vector over as a primitive array straight from its binary rows — without the boxed sequence a generic
 * {@code Row} makes of an array column (measured: boxing and Java-serialising those was most of the job's overhead).
 * Exactly one of floats, doubles, content is set; the label is in labelNumber (integer labels) or labelText (strings).
 */
public final class ShuffledRow implements java.io.Externalizable {

    private static final long serialVersionUID = 1L;
    private static final byte FLOATS = 1;
    private static final byte DOUBLES = 2;
    private static final byte CONTENT = 3;
    private static final byte NONE = 0;

    private int group;
    private long position;
    private float[] floats;
    private double[] doubles;
    private byte[] content;
    private Long labelNumber;
    private String labelText;

    public int getGroup() {
        return group;
    }

    public void setGroup(int group) {
        this.group = group;
    }

    public long getPosition() {
        return position;
    }

    public void setPosition(long position) {
        this.position = position;
    }

    public float[] getFloats() {
        return floats;
    }

    public void setFloats(float[] floats) {
        this.floats = floats;
    }

    public double[] getDoubles() {
        return doubles;
    }

    public void setDoubles(double[] doubles) {
        this.doubles = doubles;
    }

    public byte[] getContent() {
        return content;
    }

    public void setContent(byte[] content) {
        this.content = content;
    }

    public Long getLabelNumber() {
        return labelNumber;
    }

    public void setLabelNumber(Long labelNumber) {
        this.labelNumber = labelNumber;
    }

    public String getLabelText() {
        return labelText;
    }

    public void setLabelText(String labelText) {
        this.labelText = labelText;
    }

    /**
     * The shuffle's encoding (Spark's default serializer is Java serialization): the vector as one block of
     * little-endian bytes, not element by element.
     */
    @Override
    public void writeExternal(java.io.ObjectOutput out) throws java.io.IOException {
        out.writeInt(group);
        out.writeLong(position);
        byte[] block;
        byte tag;
        if (floats != null) {
            tag = FLOATS;
            block = new byte[Float.BYTES * floats.length];
            java.nio.ByteBuffer.wrap(block).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(floats);
        } else if (doubles != null) {
            tag = DOUBLES;
            block = new byte[Double.BYTES * doubles.length];
            java.nio.ByteBuffer.wrap(block).order(java.nio.ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().put(doubles);
        } else {
            tag = content != null ? CONTENT : NONE;
            block = content;
        }
        out.writeByte(tag);
        if (block != null) {
            out.writeInt(block.length);
            out.write(block);
        }
        out.writeBoolean(labelNumber != null);
        if (labelNumber != null) {
            out.writeLong(labelNumber);
        }
        out.writeBoolean(labelText != null);
        if (labelText != null) {
            out.writeUTF(labelText);
        }
    }

    @Override
    public void readExternal(java.io.ObjectInput in) throws java.io.IOException {
        group = in.readInt();
        position = in.readLong();
        byte tag = in.readByte();
        if (tag != NONE) {
            byte[] block = new byte[in.readInt()];
            in.readFully(block);
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(block).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            if (tag == FLOATS) {
                floats = new float[block.length / Float.BYTES];
                bytes.asFloatBuffer().get(floats);
            } else if (tag == DOUBLES) {
                doubles = new double[block.length / Double.BYTES];
                bytes.asDoubleBuffer().get(doubles);
            } else {
                content = block;
            }
        }
        labelNumber = in.readBoolean() ? in.readLong() : null;
        labelText = in.readBoolean() ? in.readUTF() : null;
    }
}
