package io.dse4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON writer: valid JSON a standard parser reads back to the same values, in the maps' order. */
class JsonTest {

    @Test
    void valuesReadBackExactlyAndNonFiniteNumbersBecomeNull() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 0.1 + 0.2);
        m.put("a", Double.NaN);
        m.put("inf", Double.POSITIVE_INFINITY);
        m.put("f", 1.5f);
        m.put("big", Long.MAX_VALUE);
        m.put("s", "quote \" backslash \\ newline \n tab \t bell \u0007 σ");
        m.put("list", List.of(1, true, "x"));
        m.put("array", new double[] {Math.PI, Double.MIN_VALUE, Double.NaN});
        m.put("none", null);
        String text = Json.write(m);
        assertEquals(1, text.lines().count(), "one line: " + text);
        JsonNode back = new ObjectMapper().readTree(text);
        assertEquals(List.of("z", "a", "inf", "f", "big", "s", "list", "array", "none"),
                iterate(back.fieldNames()), "keys in the map's order");
        assertEquals(0.1 + 0.2, back.get("z").doubleValue(), 0.0, "the shortest form reads back to the same bits");
        assertTrue(back.get("a").isNull() && back.get("inf").isNull(), text);
        assertEquals(1.5, back.get("f").doubleValue(), 0.0);
        assertEquals(Long.MAX_VALUE, back.get("big").longValue());
        assertEquals(m.get("s"), back.get("s").textValue());
        assertEquals(3, back.get("list").size());
        assertEquals(Double.MIN_VALUE, back.get("array").get(1).doubleValue(), 0.0);
        assertTrue(back.get("array").get(2).isNull());
        assertTrue(back.get("none").isNull());
    }

    private static List<String> iterate(java.util.Iterator<String> names) {
        List<String> out = new java.util.ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }
}
