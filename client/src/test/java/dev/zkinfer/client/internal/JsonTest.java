package dev.zkinfer.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void readsTheServicesJobStatus() {
        Object v = Json.parse("{\"id\": \"a-b\", \"status\": \"done\", \"output\": [0.5, -1e-3, 2], \"error\": null, "
                + "\"timings_ms\": {\"prove\": 12}, \"ok\": true, \"msg\": \"x\\\"y\\u00e9\"}");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals("done", m.get("status"));
        assertEquals(List.of(0.5, -1e-3, 2.0), m.get("output"));
        assertNull(m.get("error"));
        assertEquals(12.0, ((Map<?, ?>) m.get("timings_ms")).get("prove"));
        assertEquals(Boolean.TRUE, m.get("ok"));
        assertEquals("x\"y\u00e9", m.get("msg"));
    }

    @Test
    void rejectsMalformedOrHostileInputWithAnException() {
        for (String bad : new String[] {"", "{", "{\"a\" 1}", "[1,]x", "\"open", "{\"a\": tru}", "[".repeat(1000)}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
    }

    @Test
    void quotesStrings() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", Json.quote("a\"b\\c\n\u0001"));
    }
}
