package io.dse4j.spark;

/**
 * One row of a group on its way from the table to the group's task, as a Java bean so that Spark's encoder hands
 * its vector over as a primitive array straight from its binary rows — without the boxed sequence a generic
 * {@code Row} makes of an array column (measured: boxing and Java-serialising those was most of the job's overhead).
 * Exactly one of floats, doubles, content is set; the label is in labelNumber (integer labels) or labelText (strings).
 */
public final class ShuffledRow implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

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
}
