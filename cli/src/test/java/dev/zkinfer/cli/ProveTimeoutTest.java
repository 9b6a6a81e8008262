package dev.zkinfer.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** {@code zkinfer prove --timeout DURATION}: the accepted spellings. */
class ProveTimeoutTest {
    private final ProveCommand.DurationConverter convert = new ProveCommand.DurationConverter();

    @Test
    void acceptsUnitsAndIso8601() {
        assertEquals(Duration.ofSeconds(90), convert.convert("90s"));
        assertEquals(Duration.ofMinutes(5), convert.convert("5m"));
        assertEquals(Duration.ofHours(1), convert.convert("1h"));
        assertEquals(Duration.ofMillis(500), convert.convert("500ms"));
        assertEquals(Duration.ofSeconds(90), convert.convert("PT1M30S"));
    }

    @Test
    void rejectsMissingUnitsGarbageAndNonPositiveDurations() {
        for (String bad : new String[] {"90", "soon", "0s", "-5m", "PTx"}) {
            assertThrows(TypeConversionException.class, () -> convert.convert(bad), bad);
        }
    }
}
