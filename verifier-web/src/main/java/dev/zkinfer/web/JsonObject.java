package dev.zkinfer.web;

/** A JSON object written field by field: just what a verdict needs. Not thread-safe. */
final class JsonObject {
    private final StringBuilder sb = new StringBuilder("{");

    JsonObject put(String name, boolean value) {
        return name(name).raw(String.valueOf(value));
    }

    JsonObject put(String name, double value) {
        return name(name).raw(number(value));
    }

    JsonObject put(String name, String value) {
        name(name);
        string(value);
        return this;
    }

    JsonObject put(String name, long[] values) {
        name(name).sb.append('[');
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ",").append(values[i]);
        }
        sb.append(']');
        return this;
    }

    JsonObject put(String name, double[] values) {
        name(name).sb.append('[');
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ",").append(number(values[i]));
        }
        sb.append(']');
        return this;
    }

    JsonObject put(String name, long[][] rows) {
        name(name).sb.append('[');
        for (int r = 0; r < rows.length; r++) {
            sb.append(r == 0 ? "[" : ",[");
            for (int i = 0; i < rows[r].length; i++) {
                sb.append(i == 0 ? "" : ",").append(rows[r][i]);
            }
            sb.append(']');
        }
        sb.append(']');
        return this;
    }

    JsonObject put(String name, double[][] rows) {
        name(name).sb.append('[');
        for (int r = 0; r < rows.length; r++) {
            sb.append(r == 0 ? "[" : ",[");
            for (int i = 0; i < rows[r].length; i++) {
                sb.append(i == 0 ? "" : ",").append(number(rows[r][i]));
            }
            sb.append(']');
        }
        sb.append(']');
        return this;
    }

    @Override
    public String toString() {
        return sb + "}";
    }

    private JsonObject name(String name) {
        if (sb.length() > 1) {
            sb.append(',');
        }
        string(name);
        sb.append(':');
        return this;
    }

    private JsonObject raw(String s) {
        sb.append(s);
        return this;
    }

    private static String number(double d) {
        // JSON has no NaN or infinities
        return Double.isFinite(d) ? Double.toString(d) : "null";
    }

    private void string(String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                String h = Integer.toHexString(c);
                sb.append("\\u").append("0000", h.length(), 4).append(h);
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
