package dev.switchboard.ingest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;

/**
 * How a sender's JSON is read, a webhook's or a queue message's: numbers as written, not as
 * doubles. As doubles, 1e400 and 1e401 were both "Infinity" (one delivery id: the second was
 * answered a duplicate of the first, and dropped), and 9007199254740993.0 was stored as ...992.
 */
final class ExactJson {

    private ExactJson() {
    }

    static ObjectReader reader(ObjectMapper json) {
        return json.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    }
}
